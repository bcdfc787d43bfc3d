//! Replacing a file atomically, for every saver in the crate (parameters, arrays, plots).
//!
//! The bytes go to a temporary file of a name no other save uses, in the target's directory
//! (a rename is only atomic within one file system), are flushed to disk, and the temporary
//! file is then renamed over the target. So a reader, a concurrent saver or a crash sees the
//! old file or a new one, each whole, never a prefix; and a failed save removes its temporary
//! file.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use ferrograd_core::Result;

use super::io_error;

/// Numbers the temporary files of one process; the pid in the name separates processes.
static NEXT_TMP: AtomicU64 = AtomicU64::new(0);

/// Attempts at a fresh temporary name before giving up. A name is only taken if a process
/// that died mid-save left its file behind and a later process got the same pid.
const TMP_ATTEMPTS: usize = 64;

/// Writes `buf` to `path`, replacing any file there only once `buf` is on disk in full.
pub(crate) fn write_atomically(op: &'static str, path: &Path, buf: &[u8]) -> Result<()> {
    let name = path.file_name().ok_or_else(|| {
        io_error(
            op,
            path,
            "the path names no file (it is a root or ends in `..`); give a file name",
        )
    })?;
    // `parent` is "" for a bare file name: the current directory.
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let (tmp, file) = create_tmp(dir, name).map_err(|e| {
        io_error(
            op,
            path,
            format!(
                "cannot create a file in {} ({e}); does the directory exist and is it writable?",
                dir.display()
            ),
        )
    })?;
    let done = fill(file, buf)
        .map_err(|e| format!("writing {} failed: {e}", tmp.display()))
        .and_then(|()| fs::rename(&tmp, path).map_err(|e| format!("cannot replace it: {e}")));
    if let Err(msg) = done {
        // The save has failed already; a failure to clean up would only hide that error.
        let _ = fs::remove_file(&tmp);
        return Err(io_error(op, path, msg));
    }
    sync_dir(dir);
    Ok(())
}

/// A new file `.<name>.<pid>.<n>.tmp` in `dir`, created exclusively so that no other save's
/// temporary file is ever opened twice.
fn create_tmp(dir: &Path, name: &std::ffi::OsStr) -> io::Result<(PathBuf, File)> {
    let mut last = None;
    for _ in 0..TMP_ATTEMPTS {
        let n = NEXT_TMP.fetch_add(1, Ordering::Relaxed);
        let mut tmp_name = OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}.{n}.tmp", std::process::id()));
        let tmp = dir.join(tmp_name);
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary name was free")))
}

/// Writes and flushes to disk, so that the rename cannot expose a file whose data is still
/// only in the page cache (a crash would leave it empty or partial).
fn fill(mut file: File, buf: &[u8]) -> io::Result<()> {
    file.write_all(buf)?;
    file.sync_all()
}

/// Flushes the directory entry of the rename, so the new file survives a crash. Best effort:
/// some file systems refuse to sync a directory, and the file itself is already whole.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
