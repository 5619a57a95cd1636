//! Text encodings: Chinese Excel saves CSV as GB18030/GBK unless told otherwise, and its
//! "Unicode text" is UTF-16. The encoding is detected from the start of the stream (a
//! byte-order mark; text that is valid UTF-8; otherwise GB18030, which contains GBK and
//! GB2312) and the stream is decoded to UTF-8 as it is read, so memory stays bounded.
//! A byte sequence that is not valid in the encoding is an error, never a replacement
//! character slipped into a name.

use std::io::{self, Read};

use encoding_rs::{Decoder, DecoderResult, Encoding, GB18030, UTF_16BE, UTF_16LE};

use super::TextEncoding;

/// Bytes that are not valid text in the encoding being read: what the reader of the
/// stream sees as an [`io::Error`] of kind `InvalidData`.
#[derive(Debug)]
pub(super) struct Malformed {
    /// Byte offset of the first bad byte.
    pub at: u64,
    /// The encoding's name (`gb18030`, `utf-16le` …).
    pub encoding: &'static str,
}

impl Malformed {
    /// The message in Chinese.
    pub(super) fn message_zh(&self) -> String {
        format!(
            "偏移量 {} 处的字节不是有效的 {} 文本;文件混用了多种编码,或不是文本文件(请重新另存为 CSV UTF-8)",
            self.at, self.encoding
        )
    }
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the bytes at offset {} are not valid {} text; the file mixes encodings or is not text (save it again as CSV UTF-8)",
            self.at, self.encoding
        )
    }
}

impl std::error::Error for Malformed {}

/// How much of the stream is looked at to tell the encoding.
const SNIFF: usize = 64 * 1024;

/// Reads the start of `src`, tells its encoding (or takes the one given) and returns a
/// reader of its text as UTF-8 (without a byte-order mark).
pub(super) fn utf8_reader<'a>(
    mut src: Box<dyn Read + 'a>,
    given: Option<TextEncoding>,
) -> io::Result<(Box<dyn Read + 'a>, TextEncoding)> {
    let mut head = Vec::with_capacity(4096);
    (&mut src).take(SNIFF as u64).read_to_end(&mut head)?;
    let complete = head.len() < SNIFF;
    let (enc, bom) = match given {
        Some(e) => (e, bom_len(&head, e)),
        None => sniff(&head, complete),
    };
    let rest = head.split_off(bom.min(head.len()));
    let stream: Box<dyn Read + 'a> = Box::new(io::Cursor::new(rest).chain(src));
    let encoding: &'static Encoding = match enc {
        TextEncoding::Utf8 | TextEncoding::Utf8Bom => return Ok((stream, enc)),
        TextEncoding::Utf16Le => UTF_16LE,
        TextEncoding::Utf16Be => UTF_16BE,
        TextEncoding::Gb18030 => GB18030,
    };
    Ok((
        Box::new(Decoding {
            inner: stream,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; 16 * 1024],
            start: 0,
            end: 0,
            eof: false,
            done: false,
            offset: 0,
            output: Vec::with_capacity(48 * 1024),
            out_pos: 0,
            enc,
        }),
        enc,
    ))
}

fn bom_len(head: &[u8], enc: TextEncoding) -> usize {
    match enc {
        TextEncoding::Utf8 | TextEncoding::Utf8Bom if head.starts_with(b"\xEF\xBB\xBF") => 3,
        TextEncoding::Utf16Le if head.starts_with(b"\xFF\xFE") => 2,
        TextEncoding::Utf16Be if head.starts_with(b"\xFE\xFF") => 2,
        _ => 0,
    }
}

/// The encoding of a stream that starts with `head` (`complete` when that is all of it).
fn sniff(head: &[u8], complete: bool) -> (TextEncoding, usize) {
    if head.starts_with(b"\xEF\xBB\xBF") {
        return (TextEncoding::Utf8Bom, 3);
    }
    if head.starts_with(b"\xFF\xFE") {
        return (TextEncoding::Utf16Le, 2);
    }
    if head.starts_with(b"\xFE\xFF") {
        return (TextEncoding::Utf16Be, 2);
    }
    // UTF-16 without a mark: mostly-ASCII text has a zero in every other byte
    if head.len() >= 4 {
        let pairs = head.len() / 2;
        let zeros_odd = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        let zeros_even = head.iter().step_by(2).filter(|b| **b == 0).count();
        if zeros_odd * 10 >= pairs * 4 && zeros_even * 10 < pairs {
            return (TextEncoding::Utf16Le, 0);
        }
        if zeros_even * 10 >= pairs * 4 && zeros_odd * 10 < pairs {
            return (TextEncoding::Utf16Be, 0);
        }
    }
    match std::str::from_utf8(head) {
        Ok(_) => (TextEncoding::Utf8, 0),
        // cut inside a character at the end of what was looked at: still UTF-8
        Err(e) if e.error_len().is_none() && !complete => (TextEncoding::Utf8, 0),
        Err(_) => (TextEncoding::Gb18030, 0),
    }
}

/// A reader decoding a stream to UTF-8.
struct Decoding<'a> {
    inner: Box<dyn Read + 'a>,
    decoder: Decoder,
    input: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    done: bool,
    /// Bytes of the input decoded so far (for the offset of a malformed sequence).
    offset: u64,
    output: Vec<u8>,
    out_pos: usize,
    enc: TextEncoding,
}

impl Decoding<'_> {
    fn fill(&mut self) -> io::Result<()> {
        self.output.clear();
        self.out_pos = 0;
        while self.output.is_empty() && !self.done {
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = 0;
                let n = loop {
                    match self.inner.read(&mut self.input) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        r => break r?,
                    }
                };
                self.end = n;
                self.eof = n == 0;
            }
            let src = self.input.get(self.start..self.end).unwrap_or_default();
            let room = self
                .decoder
                .max_utf8_buffer_length_without_replacement(src.len())
                .unwrap_or(src.len().saturating_mul(3).saturating_add(16))
                .max(16);
            self.output.resize(room, 0);
            let (res, read, written) =
                self.decoder
                    .decode_to_utf8_without_replacement(src, &mut self.output, self.eof);
            self.output.truncate(written);
            self.start += read;
            self.offset += read as u64;
            match res {
                DecoderResult::InputEmpty => {
                    if self.eof {
                        self.done = true;
                    }
                }
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(bad, _) => {
                    let at = self.offset.saturating_sub(u64::from(bad));
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        Malformed {
                            at,
                            encoding: self.enc.name(),
                        },
                    ));
                }
            }
        }
        Ok(())
    }
}

impl Read for Decoding<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos >= self.output.len() {
            self.fill()?;
        }
        let pending = self.output.get(self.out_pos..).unwrap_or_default();
        let n = pending.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), pending.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (String, TextEncoding) {
        let (mut r, e) = utf8_reader(Box::new(bytes), None)
            .unwrap_or_else(|_| (Box::new(io::empty()) as Box<dyn Read>, TextEncoding::Utf8));
        let mut s = String::new();
        let ok = r.read_to_string(&mut s).is_ok();
        assert!(ok);
        (s, e)
    }

    #[test]
    fn gb18030_utf16_and_utf8_are_told_apart() {
        let text = "社区名称,户数\n东关社区,2345\n";
        let (gbk, _, _) = GB18030.encode(text);
        assert_eq!(decode(&gbk), (text.to_string(), TextEncoding::Gb18030));
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le), (text.to_string(), TextEncoding::Utf16Le));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be), (text.to_string(), TextEncoding::Utf16Be));
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&bom), (text.to_string(), TextEncoding::Utf8Bom));
        assert_eq!(
            decode(text.as_bytes()),
            (text.to_string(), TextEncoding::Utf8)
        );
        let ascii = "name,households\nA,1\n";
        let le: Vec<u8> = ascii.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&le), (ascii.to_string(), TextEncoding::Utf16Le));
    }

    #[test]
    fn a_long_gb18030_stream_decodes_across_buffers() {
        let mut text = String::from("社区名称,户数\n");
        for i in 0..20_000 {
            text.push_str(&format!("第{i}社区,{i}\n"));
        }
        let (gbk, _, _) = GB18030.encode(&text);
        assert!(gbk.len() > SNIFF * 2);
        assert_eq!(decode(&gbk).0, text);
    }

    #[test]
    fn malformed_bytes_are_an_error_not_a_replacement() {
        // valid UTF-8 sniffed first, then a byte that is not UTF-8 nor GB18030 continuation
        let mut bytes = GB18030.encode("社区名称,户数\n").0.into_owned();
        bytes.extend([0x81, 0x20]);
        let (mut r, e) = utf8_reader(Box::new(bytes.as_slice()), None)
            .unwrap_or_else(|_| (Box::new(io::empty()) as Box<dyn Read>, TextEncoding::Utf8));
        assert_eq!(e, TextEncoding::Gb18030);
        let mut s = String::new();
        let err = r.read_to_string(&mut s).err().map(|e| e.to_string());
        assert!(err.is_some_and(|m| m.contains("not valid gb18030")));
    }
}
