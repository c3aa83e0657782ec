use futures::future::join_all;

use crate::store;

pub async fn fetch(url: &str) -> anyhow::Result<String> {
    let body = reqwest::blocking::get(url)?.text()?;
    Ok(body)
}

pub async fn refresh_all(feeds: Vec<String>) -> anyhow::Result<()> {
    let bodies = join_all(feeds.iter().map(|url| fetch(url))).await;
    for body in bodies.into_iter().flatten() {
        store::save(body);
    }
    Ok(())
}
