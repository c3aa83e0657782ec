"""The same service, written so that asynclint has nothing to say."""
import asyncio

from .client import WeatherClient

_background: set[asyncio.Task] = set()
_subscribers_lock = asyncio.Lock()
_subscribers: dict[str, list[str]] = {}


async def notify(address: str, alert: dict) -> None:
    await asyncio.sleep(0.01)


async def refresh_all(client: WeatherClient, cities: list[str]) -> list[dict]:
    limit = asyncio.Semaphore(10)

    async def one(city: str) -> dict:
        async with limit:
            return await client.forecast(city)

    return await asyncio.gather(*[one(city) for city in cities])


async def publish(region: str, alerts: list[dict]) -> None:
    async with _subscribers_lock:
        addresses = list(_subscribers.get(region, []))
    for address in addresses:
        for alert in alerts:
            task = asyncio.create_task(notify(address, alert))
            _background.add(task)
            task.add_done_callback(_background.discard)


async def poll_forever(client: WeatherClient, regions: list[str]) -> None:
    try:
        while True:
            for region in regions:
                await publish(region, await client.forecast(region))
            await asyncio.sleep(60)
    except asyncio.CancelledError:
        print("poller stopped")
        raise


async def shutdown(client: WeatherClient) -> None:
    await client.close()


def main() -> None:
    client = WeatherClient("https://weather.invalid")
    asyncio.run(poll_forever(client, ["north", "south"]))
