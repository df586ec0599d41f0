//! CPU pinning for the echo workloads: which CPUs this process may use, and pinning the
//! calling thread to one of them (`sched_getaffinity` / `sched_setaffinity`).
//!
//! A thread created by a pinned thread inherits its mask, so pinning the thread that builds
//! a runtime pins every worker the runtime starts from it.

use std::io;

/// The CPUs the calling thread may run on, in increasing order.
pub fn current_cpus() -> io::Result<Vec<usize>> {
    // SAFETY: `cpu_set_t` is plain data, valid when zeroed; `sched_getaffinity` writes at
    // most `size_of::<cpu_set_t>()` bytes into it; `CPU_ISSET` only reads the set for
    // indices below `CPU_SETSIZE`.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok((0..libc::CPU_SETSIZE as usize)
            .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
            .collect())
    }
}

/// Restricts the calling thread (and every thread it creates afterwards) to `cpu`.
pub fn pin_current_thread(cpu: usize) -> io::Result<()> {
    if cpu >= libc::CPU_SETSIZE as usize {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("CPU {cpu} is beyond CPU_SETSIZE"),
        ));
    }
    // SAFETY: as in `current_cpus`; `CPU_SET` writes inside the set for `cpu` below
    // `CPU_SETSIZE` (checked above), and `sched_setaffinity` only reads it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Where the pinned echo workloads put the server and the load client: the first CPU this
/// process may use for the server, and up to `max_client` of the next ones for the client
/// threads; `None` with fewer than two CPUs (then nothing is pinned).
pub fn server_and_client_cpus(max_client: usize) -> Option<(usize, Vec<usize>)> {
    match current_cpus().ok()?.as_slice() {
        [server, clients @ ..] if !clients.is_empty() => Some((
            *server,
            clients.iter().copied().take(max_client.max(1)).collect(),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinning_a_thread_restricts_it_and_its_children() {
        let cpus = current_cpus().unwrap();
        assert!(!cpus.is_empty());
        let last = *cpus.last().unwrap();
        std::thread::spawn(move || {
            pin_current_thread(last).unwrap();
            assert_eq!(current_cpus().unwrap(), vec![last]);
            let child = std::thread::spawn(|| current_cpus().unwrap())
                .join()
                .unwrap();
            assert_eq!(child, vec![last]);
        })
        .join()
        .unwrap();
        // The calling thread is untouched.
        assert_eq!(current_cpus().unwrap(), cpus);
    }
}
