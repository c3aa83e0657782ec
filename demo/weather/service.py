"""The alert service: polls forecasts and notifies subscribers."""
import asyncio
import threading

from .client import WeatherClient, fetch_alerts

_subscribers_lock = threading.Lock()
_subscribers: dict[str, list[str]] = {}


async def notify(address: str, alert: dict) -> None:
    await asyncio.sleep(0.01)


async def refresh_all(client: WeatherClient, cities: list[str]) -> list[dict]:
    return await asyncio.gather(*[client.forecast(city) for city in cities])


async def publish(region: str, client: WeatherClient) -> None:
    alerts = await fetch_alerts(client, region)
    with _subscribers_lock:
        addresses = list(_subscribers.get(region, []))
    for address in addresses:
        for alert in alerts:
            asyncio.create_task(notify(address, alert))


async def poll_forever(client: WeatherClient, regions: list[str]) -> None:
    while True:
        try:
            for region in regions:
                await publish(region, client)
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            print("poller stopped")


async def shutdown(client: WeatherClient) -> None:
    client.close()


def main() -> None:
    client = WeatherClient("https://weather.invalid")
    loop = asyncio.get_event_loop()
    loop.run_until_complete(poll_forever(client, ["north", "south"]))


if __name__ == "__main__":
    main()
