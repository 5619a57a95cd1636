//! Content hashes for provenance: SHA-256 of policy files, source texts and inputs.

use sha2::{Digest, Sha256};

/// The SHA-256 of some bytes, as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(d: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(d.len() * 2);
    for b in d {
        for n in [b >> 4, b & 15] {
            if let Some(c) = DIGITS.get(usize::from(n)) {
                s.push(char::from(*c));
            }
        }
    }
    s
}

/// A SHA-256 computed over a stream, piece by piece.
#[derive(Clone, Default)]
pub struct Hasher {
    inner: Sha256,
    bytes: u64,
}

impl Hasher {
    /// A new hasher.
    pub fn new() -> Hasher {
        Hasher::default()
    }

    /// Adds bytes.
    pub fn update(&mut self, b: &[u8]) {
        self.inner.update(b);
        self.bytes += b.len() as u64;
    }

    /// How many bytes were hashed.
    pub fn len(&self) -> u64 {
        self.bytes
    }

    /// Whether nothing was hashed.
    pub fn is_empty(&self) -> bool {
        self.bytes == 0
    }

    /// The hash, as 64 lowercase hex digits.
    pub fn finish(self) -> String {
        hex(&self.inner.finalize())
    }
}

/// A reader that hashes what passes through it.
pub struct HashingReader<R> {
    inner: R,
    hasher: std::rc::Rc<std::cell::RefCell<Hasher>>,
}

impl<R> HashingReader<R> {
    /// Wraps a reader; the hash so far is read through the returned handle.
    pub fn new(inner: R) -> (HashingReader<R>, std::rc::Rc<std::cell::RefCell<Hasher>>) {
        let h = std::rc::Rc::new(std::cell::RefCell::new(Hasher::new()));
        (
            HashingReader {
                inner,
                hasher: h.clone(),
            },
            h,
        )
    }
}

impl<R: std::io::Read> std::io::Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(b) = buf.get(..n) {
            self.hasher.borrow_mut().update(b);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let mut h = Hasher::new();
        h.update(b"a");
        h.update(b"bc");
        assert_eq!(h.finish(), sha256_hex(b"abc"));
    }
}
