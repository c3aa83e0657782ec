"""A toy weather-alert service used to demonstrate asynclint."""
