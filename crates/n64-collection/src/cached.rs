//! The hash cache as a run uses it: optional, and bypassed (with one warning) at the first
//! problem, so that a broken cache can slow a run down but never change its answer.

use std::sync::OnceLock;

use n64_hashcache::{Cache, Identity, Key};
use n64_io::{Algorithms, Digests};

use crate::lanes::{View, view_name};

/// A cache that turns itself off at its first error, after one warning.
#[derive(Debug)]
pub struct RunCache {
    cache: Option<Cache>,
    /// Why the cache is not used (set once, at the first problem).
    bypassed: OnceLock<String>,
}

impl RunCache {
    /// No cache at all (`--no-cache`).
    pub fn none() -> RunCache {
        RunCache { cache: None, bypassed: OnceLock::new() }
    }

    /// The cache at its default location (`N64_CACHE`, else the user's cache directory); a
    /// cache that cannot be opened is bypassed, and [`RunCache::bypassed`] says why.
    pub fn open_default() -> RunCache {
        let run = RunCache::none();
        match Cache::default_path() {
            None => {
                let _ = run.bypassed.set("no cache directory (set N64_CACHE)".to_owned());
                run
            }
            Some(path) => match Cache::open(&path) {
                Ok(cache) => RunCache::with(cache),
                Err(error) => {
                    let _ = run.bypassed.set(error.to_string());
                    run
                }
            },
        }
    }

    /// Why the cache was bypassed, when it was meant to be used and a problem stopped it.
    pub fn bypassed(&self) -> Option<&str> {
        self.bypassed.get().map(String::as_str)
    }

    /// Wraps an open cache.
    pub fn with(cache: Cache) -> RunCache {
        RunCache { cache: Some(cache), bypassed: OnceLock::new() }
    }

    fn usable(&self) -> Option<&Cache> {
        if self.bypassed.get().is_some() { None } else { self.cache.as_ref() }
    }

    fn give_up(&self, error: &n64_hashcache::CacheError) {
        let _ = self.bypassed.set(error.to_string());
    }

    /// The digests of every view, when the cache has them all.
    pub fn get_all(
        &self,
        identity: Identity,
        member: &str,
        views: &[View],
        wanted: Algorithms,
    ) -> Option<Vec<(View, Digests)>> {
        let cache = self.usable()?;
        let mut found = Vec::with_capacity(views.len());
        for &view in views {
            let key = Key { identity, member, view: view_name(view) };
            match cache.get(&key, wanted) {
                Ok(Some(digests)) => found.push((view, digests)),
                Ok(None) => return None,
                Err(error) => {
                    self.give_up(&error);
                    return None;
                }
            }
        }
        Some(found)
    }

    /// The note kept for a file or member.
    pub fn get_note(&self, identity: Identity, member: &str) -> Option<String> {
        let cache = self.usable()?;
        match cache.get_note(&Key { identity, member, view: "" }) {
            Ok(note) => note,
            Err(error) => {
                self.give_up(&error);
                None
            }
        }
    }

    /// Keeps a note for a file or member.
    pub fn put_note(&self, identity: Identity, member: &str, note: &str) {
        let Some(cache) = self.usable() else { return };
        if let Err(error) = cache.put_note(&Key { identity, member, view: "" }, note) {
            self.give_up(&error);
        }
    }

    /// Stores the digests of every view.
    pub fn put_all(&self, identity: Identity, member: &str, digests: &[(View, Digests)]) {
        let Some(cache) = self.usable() else { return };
        for (view, digests) in digests {
            let key = Key { identity, member, view: view_name(*view) };
            if let Err(error) = cache.put(&key, digests) {
                self.give_up(&error);
                return;
            }
        }
    }
}
