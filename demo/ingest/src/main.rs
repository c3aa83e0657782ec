mod feeds;
mod store;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let config = std::fs::read_to_string("ingest.toml")?;
    let feeds: Vec<String> = config.lines().map(str::to_string).collect();

    // Refresh every feed in the background.
    tokio::spawn(feeds::refresh_all(feeds.clone()));

    let listener = TcpListener::bind("0.0.0.0:8080").await?;
    loop {
        let (socket, _) = listener.accept().await?;
        let seen = seen.clone();
        tokio::spawn(async move {
            let mut entries = seen.lock().unwrap();
            entries.push(format!("{socket:?}"));
            store::flush(&entries).await;
        });
        std::thread::sleep(Duration::from_millis(10));
    }
}
