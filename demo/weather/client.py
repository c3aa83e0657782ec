"""HTTP client for the upstream weather API."""
import asyncio
import time

import httpx
import requests


class WeatherClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._http = httpx.AsyncClient(base_url=base_url)

    async def forecast(self, city: str) -> dict:
        response = await self._http.get(f"/forecast/{city}")
        response.raise_for_status()
        return response.json()

    async def forecast_with_retry(self, city: str) -> dict:
        for attempt in range(3):
            try:
                return await self.forecast(city)
            except httpx.HTTPError:
                time.sleep(2**attempt)
        raise RuntimeError(f"no forecast for {city}")

    async def station_metadata(self, station: str) -> dict:
        return requests.get(f"{self.base_url}/stations/{station}").json()

    async def close(self) -> None:
        await self._http.aclose()


async def fetch_alerts(client: WeatherClient, region: str) -> list:
    data = await client.forecast(region)
    await asyncio.sleep(0)
    return data.get("alerts", [])
