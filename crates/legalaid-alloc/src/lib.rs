//! Giving freed memory back to the system.
//!
//! The C library's allocator (glibc) keeps what a thread frees in that thread's
//! arena and returns pages to the system only from the top of the arena. Laying
//! out a PDF allocates and frees tens of megabytes on one blocking thread while the
//! fonts it keeps sit among them, so after a letter the process stayed about 15 MB
//! larger than it needed to be (ADR 0045). `malloc_trim` walks the arenas and gives
//! back every whole free page.
//!
//! glibc also gives each thread that meets a locked arena an arena of its own, up
//! to eight per core: on a two-core server under load sixteen arenas each kept
//! their own free pages, and the peak RSS passed 230 MB where four arenas kept it
//! under 190 MB at the same speed (ADR 0050). `limit_arenas` caps them at start-up.
//!
//! This is the workspace's only `unsafe` code: calls into the C library with no
//! arguments that point anywhere.

/// Asks the allocator to return its free pages to the system; true when it
/// returned any. Elsewhere than glibc (musl, macOS) it does nothing and answers
/// false: those allocators have no such call and give large blocks back themselves.
///
/// It locks each arena in turn while it walks it (with the cleared typst cache,
/// about two milliseconds a letter on the demo), so call it after a burst of work,
/// not on every request.
pub fn release_free_memory() -> bool {
    trim()
}

/// What `limit_arenas` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arenas {
    /// glibc keeps at most this many arenas.
    Limited(usize),
    /// The operator set `MALLOC_ARENA_MAX` or glibc's `arena_max` tunable: glibc
    /// read it at start-up and it stands.
    SetByOperator,
    /// Not glibc, or glibc refused the value: the allocator's own default stands.
    Unchanged,
}

/// The arenas a server with this many cores keeps: two a core (four on the
/// two-core machines measured), glibc's default being eight a core.
pub fn arenas_for(cores: usize) -> usize {
    2 * cores.max(1)
}

/// Caps the allocator's arenas at `arenas` unless the operator chose a number
/// through the environment. Call it first thing in `main`, before any thread is
/// started: arenas already made are kept.
pub fn limit_arenas(arenas: usize) -> Arenas {
    let tunables = std::env::var_os("GLIBC_TUNABLES");
    let tunables = tunables.as_ref().map(|t| t.to_string_lossy());
    if operator_chose(
        std::env::var_os("MALLOC_ARENA_MAX").is_some(),
        tunables.as_deref(),
    ) {
        return Arenas::SetByOperator;
    }
    match i32::try_from(arenas.max(1)) {
        Ok(n) if set_arena_max(n) => Arenas::Limited(n as usize),
        _ => Arenas::Unchanged,
    }
}

/// Whether the environment glibc read at start-up chose the arenas: the
/// `MALLOC_ARENA_MAX` variable, or `glibc.malloc.arena_max` among the tunables
/// (`name=value` pairs separated by colons).
fn operator_chose(malloc_arena_max: bool, tunables: Option<&str>) -> bool {
    malloc_arena_max
        || tunables.is_some_and(|t| {
            t.split(':')
                .any(|pair| pair.split('=').next() == Some("glibc.malloc.arena_max"))
        })
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn set_arena_max(n: i32) -> bool {
    // SAFETY: `mallopt` takes two integers, no pointer; glibc takes its own lock
    // to change the setting and documents it as callable at any time (arenas
    // already made are kept).
    unsafe { libc::mallopt(libc::M_ARENA_MAX, n) == 1 }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_arena_max(_n: i32) -> bool {
    false
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() -> bool {
    // SAFETY: `malloc_trim` takes a size, no pointer, and only rearranges the
    // allocator's own free lists under the allocator's own locks; glibc documents it
    // as safe to call from any thread at any time.
    unsafe { libc::malloc_trim(0) == 1 }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::{Arenas, arenas_for, limit_arenas, operator_chose};

    #[test]
    fn the_operators_choice_stands() {
        assert!(!operator_chose(false, None));
        assert!(operator_chose(true, None));
        assert!(operator_chose(false, Some("glibc.malloc.arena_max=2")));
        assert!(operator_chose(
            false,
            Some("glibc.malloc.check=3:glibc.malloc.arena_max=8")
        ));
        assert!(!operator_chose(false, Some("glibc.malloc.arena_test=2")));
        assert!(!operator_chose(
            false,
            Some("glibc.malloc.trim_threshold=1")
        ));
    }

    #[test]
    fn two_arenas_a_core() {
        assert_eq!(arenas_for(0), 2);
        assert_eq!(arenas_for(1), 2);
        assert_eq!(arenas_for(2), 4);
        assert_eq!(arenas_for(16), 32);
    }

    #[test]
    fn the_arenas_are_limited_on_glibc() {
        // The test runner's own environment sets neither variable.
        let got = limit_arenas(4);
        if cfg!(all(target_os = "linux", target_env = "gnu")) {
            assert_eq!(got, Arenas::Limited(4));
        } else {
            assert_eq!(got, Arenas::Unchanged);
        }
    }

    #[test]
    fn freed_memory_is_given_back() {
        // A burst of 64 KiB blocks (below the size glibc maps on its own), every
        // other one kept, so the freed half cannot be returned from the top of the
        // heap alone.
        let mut kept = Vec::new();
        let mut freed = Vec::new();
        for i in 0..1_000 {
            let block = vec![i as u8; 64 * 1024];
            if i % 2 == 0 {
                kept.push(block);
            } else {
                freed.push(block);
            }
        }
        drop(freed);
        let released = super::release_free_memory();
        if cfg!(all(target_os = "linux", target_env = "gnu")) {
            assert!(released, "glibc returned the freed half");
        } else {
            assert!(!released);
        }
        assert_eq!(kept.len(), 500);
    }
}
