//! Graceful shutdown that relies on an external extension.
//!
//! Lambda sends the runtime SIGTERM at shutdown only when at least one extension is registered.
//! Here that extension is an external one (the CloudWatch Lambda Insights layer in
//! template.yaml); this process only listens for the signal and cleans up before exiting.

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::{json, Value};
use tokio::signal::unix::{signal, SignalKind};

async fn handler(event: LambdaEvent<Value>) -> Result<Value, Error> {
    println!("[handler] invoked (request {})", event.context.request_id);
    Ok(json!({
        "message": "hello from rust",
        "function": "external-extension",
        "architecture": std::env::consts::ARCH,
    }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    // Install the listeners before the first /next request, so a signal can never be missed.
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    tokio::spawn(async move {
        let received = tokio::select! {
            _ = sigterm.recv() => "SIGTERM",
            _ = sigint.recv() => "SIGINT",
        };
        println!("[runtime] {received} received");
        println!("[runtime] Graceful shutdown in progress ...");
        // Flush buffers, close connections, etc. here: Lambda gives the runtime about 300 ms
        // when an external extension is registered, then SIGKILL.
        println!("[runtime] Graceful shutdown completed");
        std::process::exit(0);
    });

    lambda_runtime::run(service_fn(handler)).await
}
