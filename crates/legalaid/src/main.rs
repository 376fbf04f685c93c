//! `legalaid`: see `legalaid --help`.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Before any thread starts: the allocator's arenas are capped at two a core
    // unless the operator chose through the environment (ADR 0050).
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    legalaid_alloc::limit_arenas(legalaid_alloc::arenas_for(cores));

    let cli = legalaid::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("legalaid: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(legalaid::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One sentence for the operator; the cause chain only for unexpected errors.
            match e.downcast_ref::<legalaid::Fatal>() {
                Some(f) => eprintln!("legalaid: {f}"),
                None => eprintln!("legalaid: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}
