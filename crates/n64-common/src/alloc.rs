//! The binaries' global allocator: the system allocator, with large blocks marked for
//! transparent huge pages on Linux.
//!
//! Commands that hold whole ROM images (`n64-fix patch`, `make-patch`, `n64 patch-info`)
//! allocate tens of MiB at once; touched 4 KiB at a time, such a block costs one page fault per
//! page, which was a third of the time of patching a 64 MiB ROM. Marked with
//! `MADV_HUGEPAGE`, it faults in 2 MiB at a time where the system allows it (transparent huge
//! pages in `madvise` or `always` mode). The advice changes no content and no lifetime: it is a
//! hint, and its failure is ignored.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks at least this large get the hint.
const LARGE: usize = 4 << 20;

/// The huge page size on x86-64 and most aarch64 systems.
#[cfg(target_os = "linux")]
const HUGE_PAGE: usize = 2 << 20;

/// The system allocator, hinting huge pages for large blocks (see the module docs). Install it
/// with `#[global_allocator] static ALLOC: HugePageHint = HugePageHint;`.
#[derive(Debug, Clone, Copy, Default)]
pub struct HugePageHint;

/// Asks for huge pages over the whole 2 MiB pages inside `[start, start + len)`.
fn advise(start: *mut u8, len: usize) {
    if start.is_null() || len < LARGE {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let first = (start as usize).next_multiple_of(HUGE_PAGE);
        let end = (start as usize + len) / HUGE_PAGE * HUGE_PAGE;
        if end > first {
            // SAFETY: [first, end) lies inside a block the allocator just handed out, which is
            // mapped and owned by this process; MADV_HUGEPAGE changes neither its content nor
            // its mapping, only how later page faults are served.
            #[allow(unsafe_code)]
            unsafe {
                libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
            }
        }
    }
}

// SAFETY: every method forwards to `System` with the same arguments and returns its result
// unchanged; `advise` only hints about memory `System` returned.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for HugePageHint {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received.
        let block = unsafe { System.alloc(layout) };
        advise(block, layout.size());
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received.
        let block = unsafe { System.alloc_zeroed(layout) };
        advise(block, layout.size());
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: forwarded as received.
        unsafe { System.dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as received.
        let moved = unsafe { System.realloc(block, layout, new_size) };
        advise(moved, new_size);
        moved
    }
}
