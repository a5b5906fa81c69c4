//! Open connections: the limit on how many, which one makes room when the server is full, and the
//! timeouts that close a connection that stalls.
//!
//! Every connection is in one of three phases, tracked from its bytes and its requests:
//! - idle: no request in progress and no byte since the last response (or since it opened): closed
//!   after the idle timeout;
//! - head: the first bytes of a request head arrived, the head is not complete: closed after the
//!   header-read timeout;
//! - busy: a request is being handled (its body read, the simulator's answer, injected latency):
//!   the body-read timeout applies inside the handler, nothing here.
//!
//! When the server is full, the idle or head connection waiting the longest is closed to make
//! room; only when every connection is busy is a new one refused.

use std::collections::BTreeMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Notify;

use crate::config::ServerConfig;

const IDLE: u8 = 0;
const HEAD: u8 = 1;
const BUSY: u8 = 2;

/// What the server knows about one connection.
#[derive(Debug)]
pub(crate) struct Tracker {
    phase: AtomicU8,
    /// When the phase began, in milliseconds since the registry's epoch.
    since: AtomicU64,
    epoch: Instant,
    /// Signalled when the connection must close to make room.
    evicted: Notify,
}

impl Tracker {
    fn new(epoch: Instant) -> Self {
        let tracker = Tracker { phase: AtomicU8::new(IDLE), since: AtomicU64::new(0), epoch, evicted: Notify::new() };
        tracker.enter(IDLE);
        tracker
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn enter(&self, phase: u8) {
        self.since.store(self.now_ms(), Ordering::Relaxed);
        self.phase.store(phase, Ordering::Relaxed);
    }

    /// Bytes arrived: an idle connection starts a request head.
    fn bytes_arrived(&self) {
        if self.phase.compare_exchange(IDLE, HEAD, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
            self.since.store(self.now_ms(), Ordering::Relaxed);
        }
    }

    /// A request is being handled until the returned guard is dropped.
    pub(crate) fn busy(self: &Arc<Self>) -> BusyGuard {
        self.enter(BUSY);
        BusyGuard(Arc::clone(self))
    }

    /// Whether the connection is waiting (idle or reading a head), and since when.
    fn waiting_since(&self) -> Option<u64> {
        (self.phase.load(Ordering::Relaxed) != BUSY).then(|| self.since.load(Ordering::Relaxed))
    }

    /// When the connection's current wait runs out, or `None` while a request is in progress.
    fn deadline(&self, config: &ServerConfig) -> Option<Instant> {
        let limit = match self.phase.load(Ordering::Relaxed) {
            IDLE => config.idle_timeout,
            HEAD => config.header_read_timeout,
            _ => return None,
        };
        let since = self.epoch + Duration::from_millis(self.since.load(Ordering::Relaxed));
        Some(since + limit)
    }

    /// Waits until the connection must close: evicted, or its wait ran out. Never returns while a
    /// request is in progress (the handler bounds that itself).
    pub(crate) async fn expired(&self, config: &ServerConfig) {
        // How often a busy connection looks again (its phase may change without a wake-up).
        let recheck = config
            .idle_timeout
            .min(config.header_read_timeout)
            .clamp(Duration::from_millis(20), Duration::from_secs(1));
        loop {
            let wake = match self.deadline(config) {
                Some(deadline) if deadline <= Instant::now() => return,
                Some(deadline) => deadline.min(Instant::now() + recheck),
                None => Instant::now() + recheck,
            };
            tokio::select! {
                // A connection that turned busy since it was picked finishes its request; it closes
                // at its next timeout instead.
                () = self.evicted.notified() => if !self.is_busy() { return },
                () = tokio::time::sleep_until(wake.into()) => {}
            }
        }
    }

    /// Whether a request is in progress.
    pub(crate) fn is_busy(&self) -> bool {
        self.phase.load(Ordering::Relaxed) == BUSY
    }
}

/// Marks the end of a request when dropped: the connection is idle again.
pub(crate) struct BusyGuard(Arc<Tracker>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.enter(IDLE);
    }
}

/// Every open connection, within the limit.
#[derive(Debug)]
pub(crate) struct Registry {
    limit: usize,
    epoch: Instant,
    next_id: AtomicU64,
    open: Mutex<BTreeMap<u64, Arc<Tracker>>>,
    /// Refused connections still draining (each gets a short grace to read the refusal).
    draining: AtomicUsize,
}

/// A place in the registry, given up when dropped.
pub(crate) struct Admitted {
    registry: Arc<Registry>,
    id: u64,
    /// The connection's tracker.
    pub(crate) tracker: Arc<Tracker>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.registry.lock().remove(&self.id);
    }
}

impl Registry {
    /// An empty registry for at most `limit` connections.
    pub(crate) fn new(limit: usize) -> Arc<Self> {
        Arc::new(Registry {
            limit: limit.max(1),
            epoch: Instant::now(),
            next_id: AtomicU64::new(0),
            open: Mutex::new(BTreeMap::new()),
            draining: AtomicUsize::new(0),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Arc<Tracker>>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many connections are open.
    pub(crate) fn open(&self) -> usize {
        self.lock().len()
    }

    /// A place for a new connection: free, or made by closing the connection that has waited the
    /// longest; `None` when every connection is busy.
    pub(crate) fn admit(self: &Arc<Self>) -> Option<Admitted> {
        let mut open = self.lock();
        if open.len() >= self.limit {
            let oldest = open
                .iter()
                .filter_map(|(id, tracker)| tracker.waiting_since().map(|since| (since, *id)))
                .min()
                .map(|(_, id)| id)?;
            if let Some(tracker) = open.remove(&oldest) {
                // `notify_one` keeps the signal if the connection is not waiting for it right now.
                tracker.evicted.notify_one();
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let tracker = Arc::new(Tracker::new(self.epoch));
        open.insert(id, Arc::clone(&tracker));
        Some(Admitted { registry: Arc::clone(self), id, tracker })
    }

    /// Tells a connection that could not be admitted why, and closes it. The refusal is written
    /// without waiting; the connection then gets a second to read it before it is closed (at most
    /// 64 connections at a time: beyond that, it is closed at once).
    pub(crate) fn refuse(self: &Arc<Self>, stream: TcpStream) {
        let text = format!("checkout-sandbox is at its limit of {} connections; try again shortly\n", self.limit);
        let refusal = format!(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\n\
             Connection: close\r\nContent-Length: {}\r\n\r\n{text}",
            text.len()
        );
        let _ = stream.try_write(refusal.as_bytes());
        if self.draining.fetch_add(1, Ordering::Relaxed) >= 64 {
            self.draining.fetch_sub(1, Ordering::Relaxed);
            return;
        }
        let registry = Arc::clone(self);
        tokio::spawn(async move {
            // Closing with unread bytes would reset the connection and could discard the refusal.
            let mut stream = stream;
            let mut sink = [0u8; 1024];
            let _ = tokio::time::timeout(Duration::from_secs(1), async {
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
            })
            .await;
            registry.draining.fetch_sub(1, Ordering::Relaxed);
        });
    }
}

/// A connection's stream that reports arriving bytes to its tracker.
pub(crate) struct TrackedStream {
    stream: TcpStream,
    tracker: Arc<Tracker>,
}

impl TrackedStream {
    /// Wraps `stream`.
    pub(crate) fn new(stream: TcpStream, tracker: Arc<Tracker>) -> Self {
        TrackedStream { stream, tracker }
    }
}

impl AsyncRead for TrackedStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.tracker.bytes_arrived();
        }
        polled
    }
}

impl AsyncWrite for TrackedStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, bytes: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, bytes)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(ms: u64) -> ServerConfig {
        ServerConfig::default()
            .with_idle_timeout(Duration::from_millis(ms))
            .with_header_read_timeout(Duration::from_millis(ms))
    }

    #[test]
    fn a_full_registry_makes_room_from_the_longest_waiting_connection() {
        let registry = Registry::new(2);
        let first = registry.admit().expect("room");
        std::thread::sleep(Duration::from_millis(5));
        let second = registry.admit().expect("room");
        let _busy = second.tracker.busy();
        let third = registry.admit().expect("the idle one makes room");
        assert_eq!(registry.open(), 2);
        // The first connection was told to close; the busy one was not.
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(1), first.tracker.evicted.notified()).await.expect("evicted");
        });
        let _busy_too = third.tracker.busy();
        assert!(registry.admit().is_none(), "every connection is busy");
        drop(second);
        assert_eq!(registry.open(), 1);
    }

    #[test]
    fn waits_run_out_by_phase() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        runtime.block_on(async {
            let tracker = Arc::new(Tracker::new(Instant::now()));
            let started = Instant::now();
            tracker.expired(&config(50)).await;
            assert!(started.elapsed() >= Duration::from_millis(50));

            let busy = tracker.busy();
            let expired = tokio::time::timeout(Duration::from_millis(200), tracker.expired(&config(50))).await;
            assert!(expired.is_err(), "a busy connection does not expire");
            drop(busy);
            tracker.bytes_arrived();
            assert!(!tracker.is_busy());
            assert!(tracker.deadline(&config(50)).is_some());
        });
    }
}
