//! The `accesswatch` binary: parse the command line and hand over to [`accesswatch::cli`].

use clap::Parser;

/// glibc's allocator thrashes on the ingest path's many short-lived buffers; mimalloc measured
/// ~1.7x faster for parsing batches here (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
