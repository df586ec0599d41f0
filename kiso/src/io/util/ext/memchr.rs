//! Finding a byte in a slice, a machine word at a time.

const WORD: usize = std::mem::size_of::<usize>();
/// `0x0101...01`: one in every byte.
const ONES: usize = usize::from_ne_bytes([0x01; WORD]);
/// `0x8080...80`: the top bit of every byte.
const TOPS: usize = usize::from_ne_bytes([0x80; WORD]);

/// Whether some byte of `x` is zero. The classic test: subtracting one
/// from each byte borrows into its top bit only for bytes that were zero
/// (or had the top bit set, which `!x` filters out). It can report a false
/// positive only after a true zero byte, so "any zero" is exact.
#[inline]
fn has_zero_byte(x: usize) -> bool {
    x.wrapping_sub(ONES) & !x & TOPS != 0
}

/// Returns the index of the first `needle` in `haystack`.
pub(super) fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    // Short inputs: the word loop would not pay for itself.
    if haystack.len() < 2 * WORD {
        return haystack.iter().position(|&b| b == needle);
    }
    let pattern = ONES * usize::from(needle);
    let mut words = haystack.chunks_exact(WORD);
    let mut offset = 0;
    for chunk in &mut words {
        // `chunks_exact` yields slices of exactly `WORD` bytes.
        let word = usize::from_ne_bytes(chunk.try_into().unwrap());
        // Bytes equal to `needle` become zero.
        if has_zero_byte(word ^ pattern) {
            return chunk
                .iter()
                .position(|&b| b == needle)
                .map(|i| offset + i);
        }
        offset += WORD;
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|i| offset + i)
}

#[cfg(test)]
mod tests {
    use super::memchr;

    #[test]
    fn agrees_with_a_plain_search() {
        let hay: Vec<u8> = (0..300u32).map(|i| (i * 37 % 256) as u8).collect();
        for start in 0..20 {
            for len in [0, 1, 7, 8, 15, 16, 17, 40, 100, 280] {
                let end = (start + len).min(hay.len());
                let h = &hay[start..end];
                for needle in [0u8, 1, 37, 74, 128, 255, b'\n'] {
                    assert_eq!(
                        memchr(needle, h),
                        h.iter().position(|&b| b == needle),
                        "needle {needle} start {start} len {len}"
                    );
                }
            }
        }
        let zeros = [0u8; 64];
        assert_eq!(memchr(0, &zeros), Some(0));
        assert_eq!(memchr(1, &zeros), None);
        let mut tail = [0x80u8; 33];
        tail[32] = 0;
        assert_eq!(memchr(0, &tail), Some(32));
    }
}
