pub async fn save(body: String) {
    tokio::fs::write("latest.xml", body).await.ok();
}

pub async fn flush(entries: &[String]) {
    tokio::fs::write("seen.log", entries.join("\n")).await.ok();
}
