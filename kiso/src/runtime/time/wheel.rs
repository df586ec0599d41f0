//! A hierarchical timing wheel (after Varghese & Lauck): six levels of 64
//! slots at 1 ms resolution, covering 2^36 ms (about two years); later
//! deadlines are clamped to the last slot and re-inserted when reached.
//!
//! Level `l` slot `s` holds entries whose deadline agrees with the wheel's
//! current time in every bit above `6 * (l + 1)` and has `s` in bits
//! `6l .. 6l + 6`. Advancing to a slot of a higher level re-inserts its
//! entries one level down, so every entry fires from level 0 at its exact
//! millisecond. Slots are intrusive doubly linked lists through the entries;
//! a bitmap per level finds the next occupied slot in one instruction.
//!
//! The wheel is not synchronised: the driver keeps it behind a mutex.

use super::entry::NodePtr;

const LEVELS: usize = 6;
const SLOTS: usize = 64;
const SLOT_BITS: u32 = 6;
/// The mask of tick bits the levels cover.
const MAX_TICK: u64 = (1 << (SLOT_BITS as usize * LEVELS)) - 1;

#[derive(Clone, Copy)]
struct List {
    head: Option<NodePtr>,
}

struct Level {
    occupied: u64,
    slots: [List; SLOTS],
}

pub(crate) struct Wheel {
    /// The time (ms tick) up to which every deadline has been processed.
    elapsed: u64,
    levels: Box<[Level; LEVELS]>,
    len: usize,
}

// SAFETY: the wheel holds pointers to entries that stay valid while linked
// (an entry unlinks itself under the wheel's mutex before it is dropped);
// the wheel moves between threads only inside that mutex.
unsafe impl Send for Wheel {}

fn level_for(elapsed: u64, when: u64) -> usize {
    let masked = (elapsed ^ when) | (SLOTS as u64 - 1);
    let masked = masked.min(MAX_TICK);
    let significant = 63 - masked.leading_zeros() as usize;
    significant / SLOT_BITS as usize
}

fn slot_for(when: u64, level: usize) -> usize {
    ((when >> (level as u32 * SLOT_BITS)) as usize) & (SLOTS - 1)
}

impl Wheel {
    pub(crate) fn new() -> Wheel {
        let empty = || Level { occupied: 0, slots: [List { head: None }; SLOTS] };
        Wheel { elapsed: 0, levels: Box::new([empty(), empty(), empty(), empty(), empty(), empty()]), len: 0 }
    }

    #[cfg(all(test, loom))]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Links `node` for tick `when`. Returns false (and does not link) if
    /// `when` has already passed.
    ///
    /// # Safety
    ///
    /// `node` is valid and unlinked, and stays valid until removed.
    pub(crate) unsafe fn insert(&mut self, node: NodePtr) -> bool {
        // SAFETY: per the caller; the caller holds the wheel's lock.
        let n = unsafe { node.as_ref() };
        // SAFETY: as above.
        let when = unsafe { n.when() };
        if when <= self.elapsed {
            return false;
        }
        // Beyond the wheel's reach (63 top-level slots ahead), park the entry
        // in the farthest top-level slot; it is re-inserted, closer, when
        // that slot comes up.
        let top = LEVELS - 1;
        let top_shift = top as u32 * SLOT_BITS;
        let top_span = 1u64 << top_shift;
        let horizon = (self.elapsed & !(top_span - 1)).saturating_add((SLOTS as u64 - 1) * top_span);
        let (level, slot) = if when >= horizon {
            (top, slot_for(self.elapsed, top).wrapping_add(SLOTS - 1) & (SLOTS - 1))
        } else {
            let level = level_for(self.elapsed, when);
            (level, slot_for(when, level))
        };
        let list = &mut self.levels[level].slots[slot];
        // SAFETY: linked nodes are valid; the lock guards their links.
        unsafe {
            n.set_prev(None);
            n.set_next(list.head);
            if let Some(head) = list.head {
                head.as_ref().set_prev(Some(node));
            }
        }
        list.head = Some(node);
        self.levels[level].occupied |= 1 << slot;
        n.set_linked(level, slot);
        self.len += 1;
        true
    }

    /// Unlinks `node`.
    ///
    /// # Safety
    ///
    /// `node` is valid and linked in this wheel.
    pub(crate) unsafe fn remove(&mut self, node: NodePtr) {
        // SAFETY: per the caller.
        let n = unsafe { node.as_ref() };
        debug_assert!(n.is_linked());
        let (level, slot) = (n.level(), n.slot());
        // SAFETY: linked nodes and their neighbours are valid; the lock
        // guards their links.
        unsafe {
            let (prev, next) = (n.prev(), n.next());
            match prev {
                Some(p) => p.as_ref().set_next(next),
                None => self.levels[level].slots[slot].head = next,
            }
            if let Some(next) = next {
                next.as_ref().set_prev(prev);
            }
            n.set_prev(None);
            n.set_next(None);
        }
        if self.levels[level].slots[slot].head.is_none() {
            self.levels[level].occupied &= !(1 << slot);
        }
        n.set_unlinked();
        self.len -= 1;
    }

    /// The earliest tick at which something may expire (a slot boundary for
    /// higher levels), if any entry is linked.
    pub(crate) fn next_expiration(&self) -> Option<u64> {
        for (level, l) in self.levels.iter().enumerate() {
            if l.occupied == 0 {
                continue;
            }
            let shift = level as u32 * SLOT_BITS;
            let now_slot = ((self.elapsed >> shift) as usize) & (SLOTS - 1);
            // Occupied slots at or after the current one, in wheel order.
            let rotated = l.occupied.rotate_right(now_slot as u32);
            let dist = rotated.trailing_zeros() as u64;
            let slot_span = 1u64 << shift;
            let level_span = slot_span << SLOT_BITS;
            let level_start = self.elapsed & !(level_span - 1);
            let mut deadline = level_start + (now_slot as u64 + dist) * slot_span;
            if deadline <= self.elapsed && level > 0 {
                // The current slot of a higher level: due now.
                deadline = self.elapsed + 1;
            }
            return Some(deadline.max(self.elapsed + 1));
        }
        None
    }

    /// Advances to `now`, unlinking every entry whose tick has come and
    /// handing it to `fire`; entries of coarser slots move down a level.
    pub(crate) fn advance(&mut self, now: u64, mut fire: impl FnMut(NodePtr)) {
        while let Some(next) = self.next_expiration() {
            if next > now {
                break;
            }
            self.elapsed = next;
            self.process_slot_at(next, &mut fire);
        }
        if now > self.elapsed {
            self.elapsed = now;
        }
    }

    fn process_slot_at(&mut self, tick: u64, fire: &mut impl FnMut(NodePtr)) {
        // Take every slot, at every level, that `tick` falls in and that is
        // occupied; re-insert or fire its entries.
        for level in 0..LEVELS {
            let slot = slot_for(tick, level);
            if self.levels[level].occupied & (1 << slot) == 0 {
                continue;
            }
            // Only the level whose slot starts at `tick` is due.
            let shift = level as u32 * SLOT_BITS;
            if level > 0 && tick & ((1u64 << shift) - 1) != 0 {
                continue;
            }
            let mut cur = self.levels[level].slots[slot].head.take();
            self.levels[level].occupied &= !(1 << slot);
            while let Some(node) = cur {
                // SAFETY: linked nodes are valid; the lock guards them.
                let n = unsafe { node.as_ref() };
                // SAFETY: as above.
                unsafe {
                    cur = n.next();
                    n.set_prev(None);
                    n.set_next(None);
                }
                n.set_unlinked();
                self.len -= 1;
                // SAFETY: the node is valid and now unlinked.
                if !unsafe { self.insert(node) } {
                    fire(node);
                }
            }
        }
    }
}
