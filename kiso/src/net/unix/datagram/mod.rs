//! Unix datagram sockets; the type is re-exported as
//! [`kiso::net::UnixDatagram`](crate::net::UnixDatagram).

pub(crate) mod socket;
