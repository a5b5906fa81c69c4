//! `application/x-www-form-urlencoded` text: the OAuth token request's body and the query string
//! of `GET /payments?reference=…`, decoded (`+` is a space, `%XX` a byte).

/// The decoded `name=value` pairs of `text`, in order; `None` when an escape is broken or a
/// decoded part is not UTF-8 (a request the simulator refuses rather than guesses at). A pair
/// without `=` has an empty value; empty pairs (`a=1&&b=2`) are skipped.
pub(crate) fn pairs(text: &str) -> Option<Vec<(String, String)>> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(name)?, decode(value)?))
        })
        .collect()
}

/// The first value of `name` in decoded `pairs`.
pub(crate) fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// One decoded component.
fn decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut input = text.bytes();
    while let Some(b) = input.next() {
        match b {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hi = hex(input.next()?)?;
                let lo = hex(input.next()?)?;
                bytes.push((hi << 4) | lo);
            }
            b => bytes.push(b),
        }
    }
    String::from_utf8(bytes).ok()
}

fn hex(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_decoded_in_order() {
        let decoded = pairs("grant_type=client_credentials&scope=gateway+vault&x=a%2Bb%26c%3D&flag").unwrap();
        let expected =
            [("grant_type", "client_credentials"), ("scope", "gateway vault"), ("x", "a+b&c="), ("flag", "")];
        assert_eq!(decoded.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect::<Vec<_>>(), expected);
        assert_eq!(first(&decoded, "scope"), Some("gateway vault"));
        assert_eq!(first(&decoded, "nope"), None);
        assert_eq!(pairs("reference=%C3%A9t%C3%A9&&limit=2").unwrap()[0].1, "été");
        assert_eq!(pairs("").unwrap(), Vec::new());
    }

    #[test]
    fn broken_escapes_and_bad_utf8_are_refused() {
        assert_eq!(pairs("a=%4"), None);
        assert_eq!(pairs("a=%zz"), None);
        assert_eq!(pairs("a=%ff"), None);
    }
}
