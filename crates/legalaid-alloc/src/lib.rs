//! Giving freed memory back to the system.
//!
//! The C library's allocator (glibc) keeps what a thread frees in that thread's
//! arena and returns pages to the system only from the top of the arena. Laying
//! out a PDF allocates and frees tens of megabytes on one blocking thread while the
//! fonts it keeps sit among them, so after a letter the process stayed about 15 MB
//! larger than it needed to be (ADR 0045). `malloc_trim` walks the arenas and gives
//! back every whole free page.
//!
//! This is the workspace's only `unsafe` code: a call into the C library with no
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
