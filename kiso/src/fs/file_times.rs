//! `FileTimes`: the timestamps `File::set_times` applies.

use std::time::SystemTime;

/// The access and modification times to give a file with
/// [`File::set_times`](super::File::set_times); a time left unset is not
/// changed.
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
///
/// let times = kiso::fs::FileTimes::new().set_modified(SystemTime::UNIX_EPOCH);
/// # let _ = times;
/// ```
#[derive(Debug, Clone, Default)]
#[must_use = "the times only take effect when given to `File::set_times`"]
pub struct FileTimes {
    accessed: Option<SystemTime>,
    modified: Option<SystemTime>,
}

impl FileTimes {
    /// Returns a `FileTimes` that changes nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// let times = kiso::fs::FileTimes::new();
    /// # let _ = times;
    /// ```
    pub fn new() -> Self {
        FileTimes::default()
    }

    /// Sets the last access time.
    ///
    /// # Examples
    ///
    /// ```
    /// let times = kiso::fs::FileTimes::new().set_accessed(std::time::SystemTime::now());
    /// # let _ = times;
    /// ```
    pub fn set_accessed(mut self, t: SystemTime) -> Self {
        self.accessed = Some(t);
        self
    }

    /// Sets the last modification time.
    ///
    /// # Examples
    ///
    /// ```
    /// let times = kiso::fs::FileTimes::new().set_modified(std::time::SystemTime::now());
    /// # let _ = times;
    /// ```
    pub fn set_modified(mut self, t: SystemTime) -> Self {
        self.modified = Some(t);
        self
    }

    pub(crate) fn into_std(self) -> std::fs::FileTimes {
        let mut times = std::fs::FileTimes::new();
        if let Some(t) = self.accessed {
            times = times.set_accessed(t);
        }
        if let Some(t) = self.modified {
            times = times.set_modified(t);
        }
        times
    }
}
