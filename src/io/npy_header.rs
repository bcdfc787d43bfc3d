//! The header of a `.npy` image, read strictly before `ndarray-npy` reads the image.
//!
//! `ndarray-npy` allocates the array the header describes before reading any data, so a
//! 144-byte file claiming shape `(2**40,)` would make it ask for 8 TiB and abort the process.
//! [`check`] therefore requires the shape and dtype to account for exactly the bytes after the
//! header (checked arithmetic: a size that overflows is an error too).
//!
//! The grammar accepted is what `np.save` writes: a dict literal with the keys `descr`,
//! `fortran_order` and `shape`, each exactly once; strings without escapes; `True`/`False`;
//! a tuple of decimal integers. It is narrower than the Python literals `ndarray-npy` parses,
//! so any header that passes here means the same thing to it.

/// The element types ferrograd reads from `.npy`; `I32` is widened to int64 on loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    F64,
    F32,
    I64,
    I32,
    U32,
    Bool,
}

const MAGIC: &[u8] = b"\x93NUMPY";

/// The element type of `bytes`, a whole `.npy` image, after checking that its header is
/// well formed and that its shape and dtype match the length of the data exactly. The
/// message says what is wrong.
pub(super) fn check(bytes: &[u8]) -> Result<Kind, String> {
    let (text, data_len) = header_text(bytes)?;
    // The order only permutes the data, which ndarray-npy handles; the size does not change.
    let (descr, _fortran, shape) = Parser::new(text).dict()?;
    let (kind, size) = kind_of(&descr)?;
    let too_large = || format!("the header's shape {shape:?} of {descr:?} is too large");
    // ndarray's limit: the product of the non-zero axes, in bytes, must fit in isize.
    let nonzero = shape
        .iter()
        .filter(|&&d| d != 0)
        .try_fold(size, |n, &d| n.checked_mul(d))
        .filter(|&n| isize::try_from(n).is_ok())
        .ok_or_else(too_large)?;
    let need = if shape.contains(&0) { 0 } else { nonzero };
    if need != data_len {
        return Err(format!(
            "the header claims shape {shape:?} of {descr:?} ({need} bytes of data), but {data_len} bytes follow it (truncated or corrupt?)"
        ));
    }
    Ok(kind)
}

/// The header's dict literal (without its newline) and the number of bytes after it.
fn header_text(bytes: &[u8]) -> Result<(&str, usize), String> {
    if !bytes.starts_with(MAGIC) {
        return Err(
            "not a .npy image: it does not start with \\x93NUMPY (truncated or another format?)"
                .to_string(),
        );
    }
    let version = (bytes.get(6).copied(), bytes.get(7).copied());
    // Format 1.0 stores the header length in 2 bytes, 2.0 and 3.0 (UTF-8 header) in 4.
    let width = match version {
        (Some(1), Some(0)) => 2,
        (Some(2 | 3), Some(0)) => 4,
        (Some(major), Some(minor)) => {
            return Err(format!(
                ".npy format version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are)"
            ))
        }
        _ => return Err("the .npy image ends inside its version number".to_string()),
    };
    let field = bytes
        .get(8..8 + width)
        .ok_or("the .npy image ends inside its header length")?;
    let len = field
        .iter()
        .rev()
        .fold(0usize, |n, &b| (n << 8) | usize::from(b));
    let start = 8 + width;
    let header = start
        .checked_add(len)
        .and_then(|end| bytes.get(start..end))
        .ok_or_else(|| {
            format!(
                "the header length {len} points past the end of the image ({} bytes; truncated?)",
                bytes.len()
            )
        })?;
    let text = header
        .strip_suffix(b"\n")
        .ok_or("the header does not end with a newline (truncated or corrupt?)")?;
    if version.0 != Some(3) && !text.is_ascii() {
        return Err("the header holds non-ASCII bytes (only format 3.0 allows them)".to_string());
    }
    let text = std::str::from_utf8(text).map_err(|e| format!("the header is not UTF-8: {e}"))?;
    Ok((text, bytes.len() - start - len))
}

/// The element type and its size in bytes for a NumPy type descriptor.
fn kind_of(descr: &str) -> Result<(Kind, usize), String> {
    // The spellings ndarray-npy reads; NumPy writes `<` or `>` for multi-byte types.
    Ok(match descr {
        "<f8" | ">f8" => (Kind::F64, 8),
        "<f4" | ">f4" => (Kind::F32, 4),
        "<i8" | ">i8" => (Kind::I64, 8),
        "<i4" | ">i4" => (Kind::I32, 4),
        "<u4" | ">u4" => (Kind::U32, 4),
        "|b1" => (Kind::Bool, 1),
        other => return Err(format!(
            "dtype {other:?} is not supported (float32, float64, int64, int32, uint32 and bool are); convert the array with astype before saving"
        )),
    })
}

/// A cursor over the header's dict literal.
struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn new(s: &'a str) -> Self {
        Parser { s, i: 0 }
    }

    fn err(&self, what: &str) -> String {
        format!("malformed .npy header {:?}: {what}", self.s.trim_end())
    }

    fn ws(&mut self) {
        let rest = &self.s[self.i..];
        self.i += rest.len() - rest.trim_start().len();
    }

    /// Skips whitespace, then consumes `c` if it is next.
    fn eat(&mut self, c: char) -> bool {
        self.ws();
        let hit = self.s[self.i..].starts_with(c);
        if hit {
            self.i += c.len_utf8();
        }
        hit
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.err(&format!("expected {c:?} at byte {}", self.i)))
        }
    }

    /// `{'descr': …, 'fortran_order': …, 'shape': …}` in any order, a trailing comma allowed.
    fn dict(&mut self) -> Result<(String, bool, Vec<usize>), String> {
        let (mut descr, mut fortran, mut shape) = (None, None, None);
        self.expect('{')?;
        while !self.eat('}') {
            let key = self.string()?;
            self.expect(':')?;
            let fresh = match key {
                "descr" => descr.replace(self.string()?.to_string()).is_none(),
                "fortran_order" => fortran.replace(self.boolean()?).is_none(),
                "shape" => shape.replace(self.tuple()?).is_none(),
                other => return Err(self.err(&format!("unknown key {other:?}"))),
            };
            if !fresh {
                return Err(self.err(&format!("the key {key:?} appears twice")));
            }
            if !self.eat(',') {
                self.expect('}')?;
                break;
            }
        }
        self.ws();
        if self.i != self.s.len() {
            return Err(self.err("text after the closing brace"));
        }
        match (descr, fortran, shape) {
            (Some(d), Some(f), Some(s)) => Ok((d, f, s)),
            _ => Err(self.err("it needs the keys 'descr', 'fortran_order' and 'shape'")),
        }
    }

    /// A quoted string without escapes (NumPy's keys and simple type descriptors have none).
    fn string(&mut self) -> Result<&'a str, String> {
        self.ws();
        let rest = &self.s[self.i..];
        let quote = match rest.chars().next() {
            Some(q @ ('\'' | '"')) => q,
            _ => return Err(self.err(&format!("expected a string at byte {}", self.i))),
        };
        let body = &rest[1..];
        match body.find([quote, '\\']) {
            Some(end) if body[end..].starts_with(quote) => {
                self.i += end + 2;
                Ok(&body[..end])
            }
            _ => Err(self.err("a string is unterminated or holds an escape")),
        }
    }

    fn boolean(&mut self) -> Result<bool, String> {
        self.ws();
        for (word, value) in [("True", true), ("False", false)] {
            if self.s[self.i..].starts_with(word) {
                self.i += word.len();
                return Ok(value);
            }
        }
        Err(self.err("'fortran_order' must be True or False"))
    }

    /// `()`, `(n,)` or `(n, m, …)` with an optional trailing comma; `(n)` is not a tuple.
    fn tuple(&mut self) -> Result<Vec<usize>, String> {
        self.expect('(')?;
        let mut dims = Vec::new();
        let mut comma = false;
        while !self.eat(')') {
            dims.push(self.dim()?);
            comma = self.eat(',');
            if !comma {
                self.expect(')')?;
                break;
            }
        }
        if dims.len() == 1 && !comma {
            return Err(self.err("'shape' must be a tuple: write (n,) for one axis"));
        }
        Ok(dims)
    }

    /// A non-negative decimal integer without leading zeros, as NumPy writes them.
    fn dim(&mut self) -> Result<usize, String> {
        self.ws();
        let rest = &self.s[self.i..];
        let digits =
            &rest[..rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len()];
        if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) {
            return Err(self.err("'shape' must hold non-negative decimal integers"));
        }
        self.i += digits.len();
        digits
            .parse()
            .map_err(|_| self.err(&format!("the dimension {digits} is too large")))
    }
}
