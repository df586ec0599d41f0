//! `ReadBuf`: a buffer that tracks how much of it is filled and how much is
//! initialized.

use std::fmt;
use std::mem::MaybeUninit;

/// A wrapper around a byte buffer that is incrementally filled and
/// initialized.
///
/// The buffer has three regions: `filled` (bytes read into it), then
/// `initialized` but not filled, then uninitialized memory. The regions
/// only grow (until [`clear`](ReadBuf::clear) resets the filled part), so a
/// reader may skip zeroing memory that was already initialized.
///
/// # Examples
///
/// ```
/// use kiso::io::ReadBuf;
///
/// let mut storage = [0u8; 8];
/// let mut buf = ReadBuf::new(&mut storage);
/// buf.put_slice(b"hey");
/// assert_eq!(buf.filled(), b"hey");
/// assert_eq!(buf.remaining(), 5);
/// ```
pub struct ReadBuf<'a> {
    buf: &'a mut [MaybeUninit<u8>],
    filled: usize,
    initialized: usize,
}

impl<'a> ReadBuf<'a> {
    /// Creates a `ReadBuf` over a fully initialized buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let buf = kiso::io::ReadBuf::new(&mut storage);
    /// assert_eq!(buf.initialized().len(), 4);
    /// ```
    #[inline]
    pub fn new(buf: &'a mut [u8]) -> ReadBuf<'a> {
        let initialized = buf.len();
        // SAFETY: an initialized `[u8]` is a valid `[MaybeUninit<u8>]`; the
        // `ReadBuf` never de-initializes memory, so the caller's slice stays
        // initialized.
        let buf = unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) };
        ReadBuf {
            buf,
            filled: 0,
            initialized,
        }
    }

    /// Creates a `ReadBuf` over a buffer that may be uninitialized.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    ///
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    /// let buf = kiso::io::ReadBuf::uninit(&mut storage);
    /// assert_eq!(buf.initialized().len(), 0);
    /// assert_eq!(buf.capacity(), 4);
    /// ```
    #[inline]
    pub fn uninit(buf: &'a mut [MaybeUninit<u8>]) -> ReadBuf<'a> {
        ReadBuf {
            buf,
            filled: 0,
            initialized: 0,
        }
    }

    /// Returns the total capacity of the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut s = [0u8; 16];
    /// assert_eq!(kiso::io::ReadBuf::new(&mut s).capacity(), 16);
    /// ```
    #[inline]
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// Returns the filled part of the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut s = [0u8; 4];
    /// let mut buf = kiso::io::ReadBuf::new(&mut s);
    /// buf.put_slice(&[1, 2]);
    /// assert_eq!(buf.filled(), &[1, 2]);
    /// ```
    #[inline]
    pub fn filled(&self) -> &[u8] {
        let slice = &self.buf[..self.filled];
        // SAFETY: the filled part is always initialized.
        unsafe { &*(slice as *const [MaybeUninit<u8>] as *const [u8]) }
    }

    /// Returns the filled part of the buffer, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut s = [0u8; 4];
    /// let mut buf = kiso::io::ReadBuf::new(&mut s);
    /// buf.put_slice(&[1, 2]);
    /// buf.filled_mut()[0] = 9;
    /// assert_eq!(buf.filled(), &[9, 2]);
    /// ```
    #[inline]
    pub fn filled_mut(&mut self) -> &mut [u8] {
        let slice = &mut self.buf[..self.filled];
        // SAFETY: the filled part is always initialized.
        unsafe { &mut *(slice as *mut [MaybeUninit<u8>] as *mut [u8]) }
    }

    /// Returns a new `ReadBuf` over the first `n` unfilled bytes of this one
    /// (fewer if not that many remain). It starts empty.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut s = [0u8; 8];
    /// let mut buf = kiso::io::ReadBuf::new(&mut s);
    /// buf.put_slice(b"ab");
    /// let sub = buf.take(4);
    /// assert_eq!(sub.capacity(), 4);
    /// assert_eq!(sub.filled().len(), 0);
    /// ```
    #[inline]
    pub fn take(&mut self, n: usize) -> ReadBuf<'_> {
        let max = std::cmp::min(self.remaining(), n);
        let initialized = std::cmp::min(self.initialized - self.filled, max);
        // SAFETY: the sub-buffer never de-initializes memory.
        let unfilled = unsafe { self.unfilled_mut() };
        let mut sub = ReadBuf::uninit(&mut unfilled[..max]);
        sub.initialized = initialized;
        sub
    }

    /// Returns the initialized part of the buffer (filled or not).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut s = [0u8; 4];
    /// let buf = kiso::io::ReadBuf::new(&mut s);
    /// assert_eq!(buf.initialized(), &[0, 0, 0, 0]);
    /// ```
    #[inline]
    pub fn initialized(&self) -> &[u8] {
        let slice = &self.buf[..self.initialized];
        // SAFETY: `initialized` bounds the initialized prefix.
        unsafe { &*(slice as *const [MaybeUninit<u8>] as *const [u8]) }
    }

    /// Returns the initialized part of the buffer, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut s = [0u8; 4];
    /// let mut buf = kiso::io::ReadBuf::new(&mut s);
    /// buf.initialized_mut()[3] = 1;
    /// assert_eq!(buf.initialized(), &[0, 0, 0, 1]);
    /// ```
    #[inline]
    pub fn initialized_mut(&mut self) -> &mut [u8] {
        let slice = &mut self.buf[..self.initialized];
        // SAFETY: `initialized` bounds the initialized prefix.
        unsafe { &mut *(slice as *mut [MaybeUninit<u8>] as *mut [u8]) }
    }

    /// Returns the whole buffer, which may be partly uninitialized.
    ///
    /// # Safety
    ///
    /// The caller must not de-initialize bytes that are initialized.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut s = [0u8; 4];
    /// let mut buf = kiso::io::ReadBuf::new(&mut s);
    /// // SAFETY: only writes initialized values.
    /// unsafe { buf.inner_mut()[0].write(7) };
    /// buf.set_filled(1);
    /// assert_eq!(buf.filled(), &[7]);
    /// ```
    #[inline]
    pub unsafe fn inner_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        self.buf
    }

    /// Returns the unfilled part of the buffer, which may be partly
    /// uninitialized.
    ///
    /// # Safety
    ///
    /// The caller must not de-initialize bytes that are initialized.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut s = [0u8; 4];
    /// let mut buf = kiso::io::ReadBuf::new(&mut s);
    /// // SAFETY: only writes initialized values.
    /// unsafe { buf.unfilled_mut()[0].write(5) };
    /// buf.advance(1);
    /// assert_eq!(buf.filled(), &[5]);
    /// ```
    #[inline]
    pub unsafe fn unfilled_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        &mut self.buf[self.filled..]
    }

    /// Returns the whole unfilled part, initializing (zeroing) what was not
    /// initialized yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    ///
    /// let mut s = [MaybeUninit::<u8>::uninit(); 4];
    /// let mut buf = kiso::io::ReadBuf::uninit(&mut s);
    /// assert_eq!(buf.initialize_unfilled(), &[0, 0, 0, 0]);
    /// assert_eq!(buf.initialized().len(), 4);
    /// ```
    #[inline]
    pub fn initialize_unfilled(&mut self) -> &mut [u8] {
        self.initialize_unfilled_to(self.remaining())
    }

    /// Returns the first `n` unfilled bytes, initializing (zeroing) those
    /// that were not initialized yet.
    ///
    /// # Panics
    ///
    /// Panics if fewer than `n` bytes remain.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    ///
    /// let mut s = [MaybeUninit::<u8>::uninit(); 4];
    /// let mut buf = kiso::io::ReadBuf::uninit(&mut s);
    /// assert_eq!(buf.initialize_unfilled_to(2).len(), 2);
    /// assert_eq!(buf.initialized().len(), 2);
    /// ```
    #[inline]
    #[track_caller]
    pub fn initialize_unfilled_to(&mut self, n: usize) -> &mut [u8] {
        assert!(self.remaining() >= n, "n overflows remaining");
        let end = self.filled + n;
        if self.initialized < end {
            for b in &mut self.buf[self.initialized..end] {
                b.write(0);
            }
            self.initialized = end;
        }
        let slice = &mut self.buf[self.filled..end];
        // SAFETY: everything below `end` is initialized now.
        unsafe { &mut *(slice as *mut [MaybeUninit<u8>] as *mut [u8]) }
    }

    /// Returns how many bytes are not filled yet.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut s = [0u8; 4];
    /// let mut buf = kiso::io::ReadBuf::new(&mut s);
    /// buf.advance(1);
    /// assert_eq!(buf.remaining(), 3);
    /// ```
    #[inline]
    pub fn remaining(&self) -> usize {
        self.capacity() - self.filled
    }

    /// Empties the filled part (the initialized part stays initialized).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut s = [0u8; 4];
    /// let mut buf = kiso::io::ReadBuf::new(&mut s);
    /// buf.put_slice(b"ab");
    /// buf.clear();
    /// assert!(buf.filled().is_empty());
    /// ```
    #[inline]
    pub fn clear(&mut self) {
        self.filled = 0;
    }

    /// Marks `n` more bytes as filled.
    ///
    /// # Panics
    ///
    /// Panics if the filled part would go beyond the initialized part.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut s = [0u8; 4];
    /// let mut buf = kiso::io::ReadBuf::new(&mut s);
    /// buf.advance(2);
    /// assert_eq!(buf.filled(), &[0, 0]);
    /// ```
    #[inline]
    #[track_caller]
    pub fn advance(&mut self, n: usize) {
        let new = self.filled.checked_add(n).expect("filled overflow");
        self.set_filled(new);
    }

    /// Sets how many bytes are filled.
    ///
    /// # Panics
    ///
    /// Panics if `n` is larger than the initialized part.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut s = [0u8; 4];
    /// let mut buf = kiso::io::ReadBuf::new(&mut s);
    /// buf.set_filled(3);
    /// assert_eq!(buf.filled().len(), 3);
    /// ```
    #[inline]
    #[track_caller]
    pub fn set_filled(&mut self, n: usize) {
        assert!(
            n <= self.initialized,
            "filled must not become larger than initialized"
        );
        self.filled = n;
    }

    /// Asserts that the first `n` unfilled bytes are initialized.
    ///
    /// # Safety
    ///
    /// The caller must have initialized those bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    ///
    /// let mut s = [MaybeUninit::<u8>::uninit(); 4];
    /// let mut buf = kiso::io::ReadBuf::uninit(&mut s);
    /// // SAFETY: the first two bytes are written before being declared.
    /// unsafe {
    ///     buf.unfilled_mut()[0].write(1);
    ///     buf.unfilled_mut()[1].write(2);
    ///     buf.assume_init(2);
    /// }
    /// buf.advance(2);
    /// assert_eq!(buf.filled(), &[1, 2]);
    /// ```
    #[inline]
    pub unsafe fn assume_init(&mut self, n: usize) {
        let new = self.filled + n;
        if new > self.initialized {
            self.initialized = new;
        }
    }

    /// Copies `buf` into the unfilled part and marks it filled.
    ///
    /// # Panics
    ///
    /// Panics if `buf` is longer than the remaining space.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut s = [0u8; 4];
    /// let mut buf = kiso::io::ReadBuf::new(&mut s);
    /// buf.put_slice(b"abc");
    /// assert_eq!(buf.filled(), b"abc");
    /// ```
    #[inline]
    #[track_caller]
    pub fn put_slice(&mut self, buf: &[u8]) {
        assert!(
            self.remaining() >= buf.len(),
            "buf.len() must fit in remaining()"
        );
        let amt = buf.len();
        let end = self.filled + amt;
        for (dst, &src) in self.buf[self.filled..end].iter_mut().zip(buf) {
            dst.write(src);
        }
        if self.initialized < end {
            self.initialized = end;
        }
        self.filled = end;
    }
}

impl fmt::Debug for ReadBuf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadBuf")
            .field("filled", &self.filled)
            .field("initialized", &self.initialized)
            .field("capacity", &self.capacity())
            .finish()
    }
}

/// Lets `bytes`-based code (`put_slice`, `put_u32`, ...) write into the
/// unfilled part of a `ReadBuf`; writes extend the filled part.
///
/// # Examples
///
/// ```
/// use bytes::BufMut;
/// use kiso::io::ReadBuf;
///
/// let mut storage = [0u8; 8];
/// let mut buf = ReadBuf::new(&mut storage);
/// buf.put_u16(0x0102);
/// buf.put_slice(b"xy");
/// assert_eq!(buf.filled(), &[1, 2, b'x', b'y']);
/// assert_eq!(BufMut::remaining_mut(&buf), 4);
/// ```
#[cfg(feature = "io-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "io-util")))]
// SAFETY: `chunk_mut` hands out exactly the unfilled region, and
// `advance_mut` marks as filled (and initialised) only bytes the caller
// promises it wrote there, never more than that region (checked).
unsafe impl bytes::BufMut for ReadBuf<'_> {
    fn remaining_mut(&self) -> usize {
        self.remaining()
    }

    unsafe fn advance_mut(&mut self, cnt: usize) {
        assert!(
            cnt <= self.remaining(),
            "cannot advance past the end of the buffer"
        );
        // SAFETY: the caller of `advance_mut` guarantees the next `cnt`
        // unfilled bytes were initialised through `chunk_mut`.
        unsafe { self.assume_init(cnt) };
        self.advance(cnt);
    }

    fn chunk_mut(&mut self) -> &mut bytes::buf::UninitSlice {
        // SAFETY: `UninitSlice` only lets its user write bytes, never
        // de-initialise them, which is what `unfilled_mut` requires.
        bytes::buf::UninitSlice::uninit(unsafe { self.unfilled_mut() })
    }
}
