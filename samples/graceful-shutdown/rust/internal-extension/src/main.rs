//! Graceful shutdown with no layer at all.
//!
//! `lambda_runtime::spawn_graceful_shutdown_handler` registers a no-op internal extension
//! (`_lambda-rust-runtime-no-op-graceful-shutdown-helper`, subscribed to no events) during Init.
//! Having an extension registered is what makes Lambda send the runtime SIGTERM at shutdown.
//! On SIGTERM/SIGINT the helper logs `[runtime] SIGTERM received` and
//! `[runtime] Graceful shutdown in progress ...`, runs the closure below, logs
//! `[runtime] Graceful shutdown completed` and exits 0 (its lines go to stderr).

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::{json, Value};

async fn handler(event: LambdaEvent<Value>) -> Result<Value, Error> {
    println!("[handler] invoked (request {})", event.context.request_id);
    Ok(json!({
        "message": "hello from rust",
        "function": "internal-extension",
        "architecture": std::env::consts::ARCH,
    }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    // Must complete before run(): the extension has to register during Init.
    lambda_runtime::spawn_graceful_shutdown_handler(|| async move {
        // The cleanup hook: flush buffers, close connections, etc. With only internal
        // extensions Lambda gives the runtime about 500 ms before SIGKILL.
        // eprintln!: the helper logs to stderr, so this line lands between its lines.
        eprintln!("[cleanup] flushing and closing resources");
    })
    .await;

    lambda_runtime::run(service_fn(handler)).await
}
