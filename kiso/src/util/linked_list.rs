//! An intrusive doubly-linked list for waiter queues.
//!
//! The list never owns or allocates its nodes: each node embeds a
//! [`Pointers`] field and lives somewhere else (typically inside a pinned
//! future). The list only stores raw pointers to them, which makes
//! `push_back`, `pop_front` and `remove` (from anywhere) O(1) and
//! allocation-free.
//!
//! Whoever uses the list is responsible for the invariants stated on each
//! unsafe method: a node must stay at the same address (pinned) and alive
//! while it is linked, must be linked in at most one list at a time, and the
//! list must only be touched under whatever lock protects it.

#![allow(dead_code)]

use std::cell::UnsafeCell;
use std::fmt;
use std::marker::{PhantomData, PhantomPinned};
use std::ptr::NonNull;

/// Describes how to find the [`Pointers`] embedded in a node type.
///
/// # Safety
///
/// `pointers` must return a pointer to a `Pointers<Self::Target>` that is
/// part of the node `target` points to, and always the same field for the
/// same node.
pub(crate) unsafe trait Link {
    /// The node type stored in the list.
    type Target;

    /// The links embedded in `target`.
    ///
    /// # Safety
    ///
    /// `target` must point to a live node.
    unsafe fn pointers(target: NonNull<Self::Target>) -> NonNull<Pointers<Self::Target>>;
}

/// The previous/next links a node embeds to be put in a [`LinkedList`].
///
/// It is `!Unpin`: once a node is linked its address is recorded in its
/// neighbours, so it must not move.
pub(crate) struct Pointers<T> {
    inner: UnsafeCell<PointersInner<T>>,
}

struct PointersInner<T> {
    prev: Option<NonNull<T>>,
    next: Option<NonNull<T>>,
    _pin: PhantomPinned,
}

impl<T> Pointers<T> {
    /// Unlinked pointers.
    pub(crate) const fn new() -> Pointers<T> {
        Pointers {
            inner: UnsafeCell::new(PointersInner {
                prev: None,
                next: None,
                _pin: PhantomPinned,
            }),
        }
    }

    // SAFETY (for the four accessors below): callers hold the lock that
    // guards the list this node may be in, so nobody else reads or writes
    // the links at the same time.
    unsafe fn prev(this: NonNull<Self>) -> Option<NonNull<T>> {
        // SAFETY: see above; `this` points to live `Pointers`.
        unsafe { (*(*this.as_ptr()).inner.get()).prev }
    }

    unsafe fn next(this: NonNull<Self>) -> Option<NonNull<T>> {
        // SAFETY: see above.
        unsafe { (*(*this.as_ptr()).inner.get()).next }
    }

    unsafe fn set_prev(this: NonNull<Self>, v: Option<NonNull<T>>) {
        // SAFETY: see above.
        unsafe { (*(*this.as_ptr()).inner.get()).prev = v }
    }

    unsafe fn set_next(this: NonNull<Self>, v: Option<NonNull<T>>) {
        // SAFETY: see above.
        unsafe { (*(*this.as_ptr()).inner.get()).next = v }
    }
}

impl<T> fmt::Debug for Pointers<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pointers").finish_non_exhaustive()
    }
}

/// An intrusive doubly-linked list of `L::Target` nodes.
pub(crate) struct LinkedList<L: Link> {
    head: Option<NonNull<L::Target>>,
    tail: Option<NonNull<L::Target>>,
    _marker: PhantomData<*const L>,
}

// SAFETY: the list is only a set of pointers; whether sending it to another
// thread is sound depends on the nodes, which the owner of the list (always
// behind a lock) guarantees by only linking nodes that are `Send`.
unsafe impl<L: Link> Send for LinkedList<L> where L::Target: Send {}
// SAFETY: `&LinkedList` only allows reading the head/tail pointers.
unsafe impl<L: Link> Sync for LinkedList<L> where L::Target: Sync {}

impl<L: Link> LinkedList<L> {
    /// An empty list.
    pub(crate) const fn new() -> LinkedList<L> {
        LinkedList {
            head: None,
            tail: None,
            _marker: PhantomData,
        }
    }

    /// Whether the list has no nodes.
    pub(crate) fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// The first node, if any, without unlinking it.
    pub(crate) fn front(&self) -> Option<NonNull<L::Target>> {
        self.head
    }

    /// The last node, if any, without unlinking it.
    pub(crate) fn back(&self) -> Option<NonNull<L::Target>> {
        self.tail
    }

    /// Links `node` at the back.
    ///
    /// # Safety
    ///
    /// `node` must be live, not in any list, and must neither move nor be
    /// freed until it is unlinked (by `pop_front`, `pop_back` or `remove`).
    pub(crate) unsafe fn push_back(&mut self, node: NonNull<L::Target>) {
        // SAFETY: the caller guarantees `node` is live and unlinked; the
        // current tail is live because every linked node is.
        unsafe {
            let ptrs = L::pointers(node);
            Pointers::set_next(ptrs, None);
            Pointers::set_prev(ptrs, self.tail);
            match self.tail {
                Some(tail) => Pointers::set_next(L::pointers(tail), Some(node)),
                None => self.head = Some(node),
            }
        }
        self.tail = Some(node);
    }

    /// Links `node` at the front.
    ///
    /// # Safety
    ///
    /// As for [`push_back`](Self::push_back).
    pub(crate) unsafe fn push_front(&mut self, node: NonNull<L::Target>) {
        // SAFETY: as in `push_back`.
        unsafe {
            let ptrs = L::pointers(node);
            Pointers::set_prev(ptrs, None);
            Pointers::set_next(ptrs, self.head);
            match self.head {
                Some(head) => Pointers::set_prev(L::pointers(head), Some(node)),
                None => self.tail = Some(node),
            }
        }
        self.head = Some(node);
    }

    /// Unlinks and returns the first node.
    pub(crate) fn pop_front(&mut self) -> Option<NonNull<L::Target>> {
        let head = self.head?;
        // SAFETY: `head` is linked, hence live (push's contract); unlinking
        // the node we just found in this list is always valid.
        unsafe { self.remove(head) };
        Some(head)
    }

    /// Unlinks and returns the last node.
    pub(crate) fn pop_back(&mut self) -> Option<NonNull<L::Target>> {
        let tail = self.tail?;
        // SAFETY: as in `pop_front`.
        unsafe { self.remove(tail) };
        Some(tail)
    }

    /// Unlinks `node`, wherever it is. Returns `false` (and does nothing)
    /// when the node is not linked in this list, as far as its links tell.
    ///
    /// # Safety
    ///
    /// `node` must be live, and either linked in *this* list or not linked
    /// in any list.
    pub(crate) unsafe fn remove(&mut self, node: NonNull<L::Target>) -> bool {
        // SAFETY: `node` is live (caller), and so are its neighbours, since
        // they are linked in this list.
        unsafe {
            let ptrs = L::pointers(node);
            let prev = Pointers::prev(ptrs);
            let next = Pointers::next(ptrs);
            match prev {
                Some(prev) => Pointers::set_next(L::pointers(prev), next),
                None => {
                    if self.head != Some(node) {
                        // Unlinked: no predecessor and not the head.
                        return false;
                    }
                    self.head = next;
                }
            }
            match next {
                Some(next) => Pointers::set_prev(L::pointers(next), prev),
                None => self.tail = prev,
            }
            Pointers::set_prev(ptrs, None);
            Pointers::set_next(ptrs, None);
        }
        true
    }

    /// Whether `node` is linked in this list, going by its links (O(1)).
    ///
    /// # Safety
    ///
    /// `node` must be live, and either in this list or in none.
    pub(crate) unsafe fn is_linked(&self, node: NonNull<L::Target>) -> bool {
        // SAFETY: caller guarantees `node` is live.
        let prev = unsafe { Pointers::prev(L::pointers(node)) };
        prev.is_some() || self.head == Some(node)
    }
}

impl<L: Link> Default for LinkedList<L> {
    fn default() -> Self {
        Self::new()
    }
}

impl<L: Link> fmt::Debug for LinkedList<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkedList")
            .field("head", &self.head)
            .field("tail", &self.tail)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::pin::Pin;

    struct Node {
        val: i32,
        pointers: Pointers<Node>,
    }

    enum NodeLink {}

    // SAFETY: `pointers` is a field of `Node`.
    unsafe impl Link for NodeLink {
        type Target = Node;
        unsafe fn pointers(target: NonNull<Node>) -> NonNull<Pointers<Node>> {
            // SAFETY: `target` is live; taking a field address does not read.
            unsafe { NonNull::new_unchecked(std::ptr::addr_of_mut!((*target.as_ptr()).pointers)) }
        }
    }

    fn node(val: i32) -> Pin<Box<Node>> {
        Box::pin(Node {
            val,
            pointers: Pointers::new(),
        })
    }

    fn ptr(n: &Pin<Box<Node>>) -> NonNull<Node> {
        NonNull::from(&**n)
    }

    fn drain(list: &mut LinkedList<NodeLink>) -> Vec<i32> {
        let mut out = vec![];
        // SAFETY: every node in these tests outlives the list use.
        while let Some(n) = list.pop_front() {
            out.push(unsafe { n.as_ref() }.val);
        }
        out
    }

    #[test]
    fn push_pop_fifo() {
        let (a, b, c) = (node(1), node(2), node(3));
        let mut list = LinkedList::<NodeLink>::new();
        assert!(list.is_empty());
        // SAFETY: the boxes are pinned and outlive the list.
        unsafe {
            list.push_back(ptr(&a));
            list.push_back(ptr(&b));
            list.push_back(ptr(&c));
        }
        assert_eq!(list.front(), Some(ptr(&a)));
        assert_eq!(list.back(), Some(ptr(&c)));
        assert_eq!(drain(&mut list), vec![1, 2, 3]);
        assert!(list.is_empty());
        assert_eq!(list.pop_front(), None);
    }

    #[test]
    fn push_front_pop_back() {
        let (a, b) = (node(1), node(2));
        let mut list = LinkedList::<NodeLink>::new();
        // SAFETY: as above.
        unsafe {
            list.push_front(ptr(&a));
            list.push_front(ptr(&b));
        }
        assert_eq!(list.pop_back(), Some(ptr(&a)));
        assert_eq!(list.pop_back(), Some(ptr(&b)));
        assert_eq!(list.pop_back(), None);
    }

    #[test]
    fn remove_middle_head_tail() {
        let nodes: Vec<_> = (0..5).map(node).collect();
        let mut list = LinkedList::<NodeLink>::new();
        for n in &nodes {
            // SAFETY: as above.
            unsafe { list.push_back(ptr(n)) };
        }
        // SAFETY: nodes are live and in this list (or in none).
        unsafe {
            assert!(list.remove(ptr(&nodes[2])));
            assert!(!list.is_linked(ptr(&nodes[2])));
            assert!(!list.remove(ptr(&nodes[2])), "second remove is a no-op");
            assert!(list.remove(ptr(&nodes[0])));
            assert!(list.remove(ptr(&nodes[4])));
            assert!(list.is_linked(ptr(&nodes[1])));
        }
        assert_eq!(drain(&mut list), vec![1, 3]);
    }

    #[test]
    fn remove_only_node_and_relink() {
        let a = node(7);
        let mut list = LinkedList::<NodeLink>::new();
        // SAFETY: as above.
        unsafe {
            list.push_back(ptr(&a));
            assert!(list.remove(ptr(&a)));
            assert!(list.is_empty());
            list.push_back(ptr(&a));
        }
        assert_eq!(drain(&mut list), vec![7]);
    }
}
