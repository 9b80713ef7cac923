//! The `csm-sandbox` binary: read the command line, bind 127.0.0.1:PORT, announce the address on stdout, serve
//! until SIGINT or SIGTERM (then at most a short grace for open connections).

use std::io::Write as _;
use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser as _;
use csm_sandbox::cli::Cli;
use csm_sandbox::clock::SystemClock;
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// How long open connections may finish after SIGINT/SIGTERM.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let port = cli.port;
    let settings = match cli.into_settings() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("csm-sandbox: {error}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("csm-sandbox: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map_or(port, |address| address.port());
    println!("csm-sandbox listening on http://127.0.0.1:{port}");
    let _ = std::io::stdout().flush();
    let app = csm_sandbox::app(settings, Arc::new(SystemClock));
    // Graceful shutdown waits for open connections, and a browser may keep one idle for minutes: after the
    // signal, in-flight requests get a short grace, then the process exits anyway.
    let signalled = Arc::new(Notify::new());
    let on_signal = {
        let signalled = signalled.clone();
        async move {
            shutdown_signal().await;
            signalled.notify_one();
        }
    };
    let served = tokio::select! {
        served = axum::serve(listener, app).with_graceful_shutdown(on_signal) => served,
        () = async {
            signalled.notified().await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => Ok(()),
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("csm-sandbox: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
