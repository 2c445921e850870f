//! Money is an integer number of yen: budgets and losses are never floats in the store.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Yen(pub i64);

impl Yen {
    /// `1,234,567円`, the way a Japanese report writes an exact amount.
    pub fn grouped(self) -> String {
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 2);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{out}円")
    }

    /// `44億5,000万円`: large amounts the way executives read them. Amounts below 10,000
    /// yen are written out exactly.
    pub fn in_man_oku(self) -> String {
        let n = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        if n < 10_000 {
            return format!("{sign}{n}円");
        }
        let oku = n / 100_000_000;
        let man = (n % 100_000_000) / 10_000;
        let rest = n % 10_000;
        let mut out = String::from(sign);
        if oku > 0 {
            out.push_str(&Yen(oku as i64).grouped().replace('円', ""));
            out.push('億');
        }
        if man > 0 {
            out.push_str(&Yen(man as i64).grouped().replace('円', ""));
            out.push('万');
        }
        if rest > 0 {
            out.push_str(&rest.to_string());
        }
        out.push('円');
        out
    }
}

impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

#[cfg(test)]
mod tests {
    use super::Yen;

    #[test]
    fn grouping() {
        assert_eq!(Yen(0).grouped(), "0円");
        assert_eq!(Yen(999).grouped(), "999円");
        assert_eq!(Yen(1_000).grouped(), "1,000円");
        assert_eq!(Yen(1_234_567).grouped(), "1,234,567円");
        assert_eq!(Yen(-1_000_000).grouped(), "-1,000,000円");
    }

    #[test]
    fn man_oku() {
        assert_eq!(Yen(4_450_000_000).in_man_oku(), "44億5,000万円");
        assert_eq!(Yen(1_000_000).in_man_oku(), "100万円");
        assert_eq!(Yen(500_000_000).in_man_oku(), "5億円");
        assert_eq!(Yen(12_345).in_man_oku(), "1万2345円");
        assert_eq!(Yen(800).in_man_oku(), "800円");
    }
}
