//! The `accesswatch` binary: parse the command line and hand over to [`accesswatch::cli`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = accesswatch::cli::Cli::parse();
    match accesswatch::cli::execute(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
