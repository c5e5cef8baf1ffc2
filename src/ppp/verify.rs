//! Checking a captured authentication against credentials the user gave
//! (`--credentials USER:PASSWORD`), and deriving the MPPE master keys from
//! MS-CHAPv2 (RFC 2759 §8, RFC 3079 §3) for the SSTP crypto binding.
//!
//! Passwords stay inside [`Secret`]; nothing here prints or serialises them.

use crate::crypto::mppe::{MasterKeys, Side};
use crate::crypto::{mschapv2, Secret};
use crate::ppp::negotiation::{AuthReport, MsChapV2Exchange};

/// A user name and the password to check it with.
#[derive(Debug, Clone)]
pub struct Credential {
    /// As the client sends it (`DOMAIN\user` or `user`); matched either way.
    pub user: String,
    pub password: Secret<String>,
}

impl Credential {
    /// Reads `USER:PASSWORD` (the password may itself contain ':').
    pub fn parse(text: &str) -> Result<Credential, String> {
        match text.split_once(':') {
            Some((user, password)) if !user.is_empty() => Ok(Credential {
                user: user.to_string(),
                password: Secret::new(password.to_string()),
            }),
            _ => Err("credentials must be USER:PASSWORD".to_string()),
        }
    }

    /// Reads a credentials file: one `USER:PASSWORD` per line; blank lines
    /// and lines starting with '#' are skipped.
    pub fn parse_file(text: &str) -> Result<Vec<Credential>, String> {
        text.lines()
            .map(|l| l.trim_end_matches('\r'))
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|(i, l)| Credential::parse(l).map_err(|e| format!("line {}: {e}", i + 1)))
            .collect()
    }

    /// True when this credential is for `user` as captured: the same name,
    /// or the same name once a `DOMAIN\` prefix is removed from either;
    /// letters compared without case (Windows account names).
    fn matches(&self, user: &[u8]) -> bool {
        let captured = String::from_utf8_lossy(user);
        let strip = |s: &str| s.rsplit('\\').next().unwrap_or(s).to_ascii_lowercase();
        self.user.eq_ignore_ascii_case(&captured) || strip(&self.user) == strip(&captured)
    }
}

/// What verification found for one link.
#[derive(Debug, Default)]
pub struct Verified {
    /// MS-CHAPv2 master keys (client side), when a password matched.
    pub keys: Option<MasterKeys>,
}

/// Checks the link's authentication against the credentials for its user
/// and records the verdict in `auth.password_verified` (left `None` when no
/// credential names the user or the method cannot be checked).
pub fn verify(auth: &mut AuthReport, credentials: &[Credential]) -> Verified {
    if credentials.is_empty() {
        return Verified::default();
    }
    if let Some(exchange) = auth.ms_chap_v2().cloned() {
        return verify_ms_chap_v2(auth, &exchange, credentials);
    }
    if let (Some(password), Some(user)) = (auth.pap_password().map(<[u8]>::to_vec), auth.user.clone()) {
        if let Some(c) = credentials.iter().find(|c| c.matches(user.as_bytes())) {
            auth.set_password_verified(c.password.expose().as_bytes() == password.as_slice());
        }
    }
    Verified::default()
}

fn verify_ms_chap_v2(auth: &mut AuthReport, x: &MsChapV2Exchange, credentials: &[Credential]) -> Verified {
    let Some(challenge) = x.authenticator_challenge else {
        return Verified::default();
    };
    let Some(credential) = credentials.iter().find(|c| c.matches(&x.user_name)) else {
        return Verified::default();
    };
    let v = mschapv2::verify(
        &x.user_name,
        &credential.password,
        &challenge,
        &x.peer_challenge,
        &x.nt_response,
        x.authenticator_response.as_ref(),
    );
    let ok = v.nt_response_matches && v.authenticator_response_matches != Some(false);
    auth.set_password_verified(ok);
    Verified {
        keys: ok.then(|| MasterKeys::from_mschapv2(&credential.password, &x.nt_response, Side::Client)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_parse_with_colons_and_domains() {
        let c = Credential::parse("PRO3\\administrator:pa:ss").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.user, "PRO3\\administrator");
        assert_eq!(c.password.expose(), "pa:ss");
        assert!(Credential::parse("nopassword").is_err());
        assert!(Credential::parse(":x").is_err());
        assert!(format!("{c:?}").contains("[redacted]"));
        assert!(!format!("{c:?}").contains("pa:ss"));
    }

    #[test]
    fn credentials_file_skips_comments_and_blank_lines() {
        let list = Credential::parse_file("# users\nlulu:password\r\n\n  \nmoxie:x\n").unwrap_or_default();
        assert_eq!(
            list.iter().map(|c| c.user.as_str()).collect::<Vec<_>>(),
            vec!["lulu", "moxie"]
        );
        assert_eq!(
            Credential::parse_file("ok:1\nbroken\n").err().as_deref(),
            Some("line 2: credentials must be USER:PASSWORD")
        );
    }

    #[test]
    fn user_names_match_with_or_without_domain() {
        let c = Credential::parse("administrator:x").unwrap_or_else(|e| panic!("{e}"));
        assert!(c.matches(b"PRO3\\administrator"));
        assert!(c.matches(b"Administrator"));
        assert!(!c.matches(b"admin"));
        let d = Credential::parse("PRO3\\Administrator:x").unwrap_or_else(|e| panic!("{e}"));
        assert!(d.matches(b"administrator"));
    }
}
