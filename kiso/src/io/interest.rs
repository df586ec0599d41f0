//! `Interest` and `Ready`: which readiness events to wait for, and which
//! happened.

use std::fmt;
use std::ops;

/// The readiness events an I/O resource is waited on for.
///
/// Combine with `|` (or [`add`](Interest::add)).
///
/// # Examples
///
/// ```
/// use kiso::io::Interest;
///
/// let both = Interest::READABLE | Interest::WRITABLE;
/// assert!(both.is_readable() && both.is_writable());
/// assert_eq!(both.remove(Interest::WRITABLE), Some(Interest::READABLE));
/// ```
#[derive(Clone, Copy, Eq, PartialEq)]
pub struct Interest(u8);

const I_READABLE: u8 = 0b0001;
const I_WRITABLE: u8 = 0b0010;
const I_PRIORITY: u8 = 0b0100;
const I_ERROR: u8 = 0b1000;

impl Interest {
    /// Interest in the resource becoming readable.
    pub const READABLE: Interest = Interest(I_READABLE);
    /// Interest in the resource becoming writable.
    pub const WRITABLE: Interest = Interest(I_WRITABLE);
    /// Interest in error events (always reported by the OS; this lets a
    /// caller wait for them alone).
    pub const ERROR: Interest = Interest(I_ERROR);
    /// Interest in priority (out-of-band) data, `EPOLLPRI` on Linux.
    pub const PRIORITY: Interest = Interest(I_PRIORITY);

    /// Returns true if the value includes readable interest.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::io::Interest::READABLE.is_readable());
    /// assert!(!kiso::io::Interest::WRITABLE.is_readable());
    /// ```
    pub const fn is_readable(self) -> bool {
        self.0 & I_READABLE != 0
    }

    /// Returns true if the value includes writable interest.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::io::Interest::WRITABLE.is_writable());
    /// ```
    pub const fn is_writable(self) -> bool {
        self.0 & I_WRITABLE != 0
    }

    /// Returns true if the value includes error interest.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::io::Interest::ERROR.is_error());
    /// ```
    pub const fn is_error(self) -> bool {
        self.0 & I_ERROR != 0
    }

    /// Returns true if the value includes priority interest.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::io::Interest::PRIORITY.is_priority());
    /// ```
    pub const fn is_priority(self) -> bool {
        self.0 & I_PRIORITY != 0
    }

    /// Returns the union of `self` and `other`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::Interest;
    ///
    /// const BOTH: Interest = Interest::READABLE.add(Interest::WRITABLE);
    /// assert!(BOTH.is_readable() && BOTH.is_writable());
    /// ```
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    /// Returns `self` without `other`, or `None` if nothing would be left.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::Interest;
    ///
    /// assert_eq!((Interest::READABLE | Interest::WRITABLE).remove(Interest::READABLE), Some(Interest::WRITABLE));
    /// assert_eq!(Interest::READABLE.remove(Interest::READABLE), None);
    /// ```
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub fn remove(self, other: Interest) -> Option<Interest> {
        let left = self.0 & !other.0;
        (left != 0).then_some(Interest(left))
    }
}

impl ops::BitOr for Interest {
    type Output = Interest;

    fn bitor(self, other: Interest) -> Interest {
        self.add(other)
    }
}

impl ops::BitOrAssign for Interest {
    fn bitor_assign(&mut self, other: Interest) {
        *self = *self | other;
    }
}

fn write_flags(f: &mut fmt::Formatter<'_>, flags: &[(bool, &str)]) -> fmt::Result {
    let mut first = true;
    for (set, name) in flags {
        if *set {
            if !first {
                f.write_str(" | ")?;
            }
            f.write_str(name)?;
            first = false;
        }
    }
    Ok(())
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_flags(
            f,
            &[
                (self.is_readable(), "READABLE"),
                (self.is_writable(), "WRITABLE"),
                (self.is_error(), "ERROR"),
                (self.is_priority(), "PRIORITY"),
            ],
        )
    }
}

/// The readiness events that occurred on an I/O resource.
///
/// # Examples
///
/// ```
/// use kiso::io::Ready;
///
/// let r = Ready::READABLE | Ready::READ_CLOSED;
/// assert!(r.is_readable() && r.is_read_closed());
/// assert!(!r.is_writable());
/// assert!((r - Ready::READ_CLOSED).is_readable());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ready(u8);

const R_READABLE: u8 = 0b00_0001;
const R_WRITABLE: u8 = 0b00_0010;
const R_READ_CLOSED: u8 = 0b00_0100;
const R_WRITE_CLOSED: u8 = 0b00_1000;
const R_PRIORITY: u8 = 0b01_0000;
const R_ERROR: u8 = 0b10_0000;

impl Ready {
    /// No readiness.
    pub const EMPTY: Ready = Ready(0);
    /// Readable.
    pub const READABLE: Ready = Ready(R_READABLE);
    /// Writable.
    pub const WRITABLE: Ready = Ready(R_WRITABLE);
    /// The read half was closed (end of stream).
    pub const READ_CLOSED: Ready = Ready(R_READ_CLOSED);
    /// The write half was closed.
    pub const WRITE_CLOSED: Ready = Ready(R_WRITE_CLOSED);
    /// Priority (out-of-band) data is available.
    pub const PRIORITY: Ready = Ready(R_PRIORITY);
    /// An error occurred.
    pub const ERROR: Ready = Ready(R_ERROR);
    /// Every readiness flag.
    pub const ALL: Ready =
        Ready(R_READABLE | R_WRITABLE | R_READ_CLOSED | R_WRITE_CLOSED | R_PRIORITY | R_ERROR);

    /// The raw flag bits (kiso's internal encoding).
    #[allow(dead_code)]
    pub(crate) const fn as_bits(self) -> u8 {
        self.0
    }

    /// Readiness from raw flag bits; bits that are not flags are dropped.
    #[allow(dead_code)]
    pub(crate) const fn from_bits(bits: u8) -> Ready {
        Ready(bits & Ready::ALL.0)
    }

    /// The readiness that satisfies `interest`: the event itself, plus the
    /// closed states that mean the operation will not block either.
    #[allow(dead_code)]
    pub(crate) const fn from_interest(interest: Interest) -> Ready {
        let mut bits = 0;
        if interest.is_readable() {
            bits |= R_READABLE | R_READ_CLOSED;
        }
        if interest.is_writable() {
            bits |= R_WRITABLE | R_WRITE_CLOSED;
        }
        if interest.is_priority() {
            bits |= R_PRIORITY | R_READ_CLOSED;
        }
        if interest.is_error() {
            bits |= R_ERROR;
        }
        Ready(bits)
    }

    /// Returns true if no readiness is set.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::io::Ready::EMPTY.is_empty());
    /// assert!(!kiso::io::Ready::READABLE.is_empty());
    /// ```
    pub fn is_empty(self) -> bool {
        self == Ready::EMPTY
    }

    /// Returns true if readable (or its read half is closed: a read will not
    /// block).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::io::Ready::READ_CLOSED.is_readable());
    /// ```
    pub fn is_readable(self) -> bool {
        self.0 & (R_READABLE | R_READ_CLOSED) != 0
    }

    /// Returns true if writable (or its write half is closed: a write will
    /// not block).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::io::Ready::WRITE_CLOSED.is_writable());
    /// ```
    pub fn is_writable(self) -> bool {
        self.0 & (R_WRITABLE | R_WRITE_CLOSED) != 0
    }

    /// Returns true if the read half is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!kiso::io::Ready::READABLE.is_read_closed());
    /// ```
    pub fn is_read_closed(self) -> bool {
        self.0 & R_READ_CLOSED != 0
    }

    /// Returns true if the write half is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::io::Ready::WRITE_CLOSED.is_write_closed());
    /// ```
    pub fn is_write_closed(self) -> bool {
        self.0 & R_WRITE_CLOSED != 0
    }

    /// Returns true if priority data is available.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::io::Ready::PRIORITY.is_priority());
    /// ```
    pub fn is_priority(self) -> bool {
        self.0 & R_PRIORITY != 0
    }

    /// Returns true if an error occurred.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::io::Ready::ERROR.is_error());
    /// ```
    pub fn is_error(self) -> bool {
        self.0 & R_ERROR != 0
    }
}

impl ops::BitOr<Ready> for Ready {
    type Output = Ready;

    fn bitor(self, other: Ready) -> Ready {
        Ready(self.0 | other.0)
    }
}

impl ops::BitOrAssign<Ready> for Ready {
    fn bitor_assign(&mut self, other: Ready) {
        self.0 |= other.0;
    }
}

impl ops::BitAnd<Ready> for Ready {
    type Output = Ready;

    fn bitand(self, other: Ready) -> Ready {
        Ready(self.0 & other.0)
    }
}

impl ops::Sub<Ready> for Ready {
    type Output = Ready;

    fn sub(self, other: Ready) -> Ready {
        Ready(self.0 & !other.0)
    }
}

impl fmt::Debug for Ready {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ready")
            .field("is_readable", &self.is_readable())
            .field("is_writable", &self.is_writable())
            .field("is_read_closed", &self.is_read_closed())
            .field("is_write_closed", &self.is_write_closed())
            .field("is_priority", &self.is_priority())
            .field("is_error", &self.is_error())
            .finish()
    }
}
