//! `legalaid`: see `legalaid --help`.

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = legalaid::Cli::parse();
    match legalaid::run(cli).await {
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
