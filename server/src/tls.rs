//! TLS on both sides of the server, on rustls with ring (no OpenSSL), like the phones'
//! client: HTTPS for a server that clients reach without a proxy (`--tls-cert` and
//! `--tls-key`, PEM files), and the client side of its PostgreSQL connections, as the
//! database URL's `sslmode` asks.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file could not be read, or holds nothing of the kind needed.
    #[error("{what} {}: {reason}", path.display())]
    Pem {
        /// Which file it is (`certificate file`, `private key file`...).
        what: &'static str,
        /// Where it is.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The certificates and key do not make an identity rustls can serve (the key is not
    /// the certificate's, or an algorithm it does not support).
    #[error("TLS certificate and key: {0}")]
    Identity(rustls::Error),
    /// The database URL asks for TLS in a way the server does not support.
    #[error("database URL: {0}")]
    DatabaseUrl(String),
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn pem_error(what: &'static str, path: &Path, reason: impl std::fmt::Display) -> TlsError {
    TlsError::Pem {
        what,
        path: path.to_owned(),
        reason: reason.to_string(),
    }
}

/// Every certificate in the PEM file at `path` (at least one).
fn certificates(what: &'static str, path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let chain = CertificateDer::pem_file_iter(path)
        .map_err(|e| pem_error(what, path, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem_error(what, path, e))?;
    if chain.is_empty() {
        return Err(pem_error(
            what,
            path,
            "no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)",
        ));
    }
    Ok(chain)
}

/// What accepts HTTPS connections with the certificate chain in `cert` and the private
/// key in `key` (PEM files, as Let's Encrypt's tools and openssl write them). HTTP/1.1
/// only, as the rest of the server.
pub fn acceptor(cert: &Path, key: &Path) -> Result<tokio_rustls::TlsAcceptor, TlsError> {
    let chain = certificates("certificate file", cert)?;
    let key =
        PrivateKeyDer::from_pem_file(key).map_err(|e| pem_error("private key file", key, e))?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Identity)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(TlsError::Identity)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// How the server's PostgreSQL connections use TLS.
#[derive(Clone)]
pub enum PgTls {
    /// `sslmode=disable`: plain TCP.
    Off,
    /// TLS when the server offers it (`prefer`) or always (`require`, `verify-full`),
    /// with this client configuration.
    On(MakeRustlsConnect),
}

impl PgTls {
    /// What `config`'s `sslmode` asks when no certificate is to be checked: plain TCP for
    /// `disable`, else TLS that encrypts without checking the server's certificate, as
    /// libpq does for `prefer` and `require`.
    pub fn unverified(config: &postgres::Config) -> Result<PgTls, TlsError> {
        if config.get_ssl_mode() == postgres::config::SslMode::Disable {
            return Ok(PgTls::Off);
        }
        let provider = provider();
        let client = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Identity)?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unchecked(provider)))
            .with_no_client_auth();
        Ok(PgTls::On(MakeRustlsConnect::new(client)))
    }

    /// TLS that accepts only a certificate for the host name signed by one of the
    /// certificates in the PEM file `root` (`sslmode=verify-full`).
    fn verified(root: &Path) -> Result<PgTls, TlsError> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in certificates("sslrootcert", root)? {
            roots
                .add(cert)
                .map_err(|e| pem_error("sslrootcert", root, e))?;
        }
        let client = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Identity)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(PgTls::On(MakeRustlsConnect::new(client)))
    }
}

/// A certificate verifier that takes any certificate but still checks the handshake's
/// signatures with it: encryption against eavesdroppers without a trusted authority
/// (libpq's `require`).
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The connection settings and TLS a PostgreSQL URL asks for (`postgresql://…?…` or
/// `key=value …`). `sslmode` is libpq's: `disable`; `prefer` (the default: TLS when
/// the server offers it); `require` (TLS or no connection, the certificate unchecked, as
/// in libpq); `verify-full` (TLS with a certificate for the host signed by the
/// authority in `sslrootcert=PATH`, a PEM file).
pub fn postgres_config(url: &str) -> Result<(postgres::Config, PgTls), TlsError> {
    let (url, verify) = take_verification(url)?;
    let config: postgres::Config = url
        .parse()
        .map_err(|e: postgres::Error| TlsError::DatabaseUrl(crate::db::postgres_summary(&e)))?;
    let tls = match verify {
        Some(root) => PgTls::verified(&root)?,
        None => PgTls::unverified(&config)?,
    };
    Ok((config, tls))
}

/// The URL without what the PostgreSQL client does not read (`sslmode=verify-full`,
/// given to it as `require`, and `sslrootcert`), and the root certificate's file when
/// the certificate is to be verified.
fn take_verification(url: &str) -> Result<(String, Option<PathBuf>), TlsError> {
    let is_url = url.starts_with("postgres://") || url.starts_with("postgresql://");
    let (head, params, separator) = match (is_url, url.split_once('?')) {
        (true, Some((head, query))) => (format!("{head}?"), query.split('&').collect(), "&"),
        (true, None) => return Ok((url.to_owned(), None)),
        (false, _) => (
            String::new(),
            url.split_whitespace().collect::<Vec<_>>(),
            " ",
        ),
    };
    let (mut verify_full, mut root) = (false, None);
    let mut kept = Vec::new();
    for param in params {
        match param.split_once('=') {
            Some(("sslrootcert", path)) => root = Some(PathBuf::from(percent_decoded(path))),
            Some(("sslmode", "verify-full")) => {
                verify_full = true;
                kept.push("sslmode=require");
            }
            Some(("sslmode", "verify-ca")) => {
                return Err(TlsError::DatabaseUrl(
                    "sslmode=verify-ca is not supported: use verify-full (the certificate and the host name checked)".into(),
                ));
            }
            _ => kept.push(param),
        }
    }
    let root = match (verify_full, root) {
        (true, Some(root)) => Some(root),
        (true, None) => {
            return Err(TlsError::DatabaseUrl(
                "sslmode=verify-full needs sslrootcert=PATH: the PEM certificate of the authority that signed the database server's".into(),
            ));
        }
        (false, Some(_)) => {
            return Err(TlsError::DatabaseUrl(
                "sslrootcert is used only with sslmode=verify-full".into(),
            ));
        }
        (false, None) => None,
    };
    Ok((format!("{head}{}", kept.join(separator)), root))
}

/// `%XX` escapes of a URL parameter decoded (a path with spaces or `&` in it).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_full_is_read_from_urls_and_key_values() {
        let (url, root) = take_verification(
            "postgresql://bb@db:5432/bb?sslmode=verify-full&sslrootcert=/etc/my%20ca.pem&application_name=x",
        )
        .unwrap();
        assert_eq!(
            url,
            "postgresql://bb@db:5432/bb?sslmode=require&application_name=x"
        );
        assert_eq!(root, Some(PathBuf::from("/etc/my ca.pem")));
        let (kv, root) =
            take_verification("host=db user=bb sslmode=verify-full sslrootcert=/ca.pem").unwrap();
        assert_eq!(kv, "host=db user=bb sslmode=require");
        assert_eq!(root, Some(PathBuf::from("/ca.pem")));
        for plain in [
            "postgresql://bb@db/bb",
            "postgresql://bb@db/bb?sslmode=require",
        ] {
            assert_eq!(take_verification(plain).unwrap(), (plain.to_owned(), None));
        }
    }

    #[test]
    fn tls_asks_that_cannot_be_met_are_refused_with_a_reason() {
        for (url, says) in [
            (
                "postgresql://db/bb?sslmode=verify-full",
                "needs sslrootcert",
            ),
            (
                "postgresql://db/bb?sslmode=verify-ca",
                "verify-ca is not supported",
            ),
            (
                "postgresql://db/bb?sslmode=require&sslrootcert=/ca.pem",
                "only with sslmode=verify-full",
            ),
            ("postgresql://db/bb?sslmode=sometimes", "sslmode"),
        ] {
            let err = postgres_config(url).err().unwrap().to_string();
            assert!(err.contains(says), "{url}: {err}");
        }
        let missing =
            postgres_config("postgresql://db/bb?sslmode=verify-full&sslrootcert=/nowhere.pem");
        assert!(
            matches!(
                missing,
                Err(TlsError::Pem {
                    what: "sslrootcert",
                    ..
                })
            ),
            "{:?}",
            missing.err()
        );
    }

    #[test]
    fn each_mode_gets_its_tls() {
        for (url, on) in [
            ("postgresql://db/bb?sslmode=disable", false),
            ("postgresql://db/bb?sslmode=prefer", true),
            ("postgresql://db/bb", true),
            ("postgresql://db/bb?sslmode=require", true),
        ] {
            let (_, tls) = postgres_config(url).unwrap();
            assert_eq!(matches!(tls, PgTls::On(_)), on, "{url}");
        }
    }

    #[test]
    fn a_certificate_file_without_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let err = acceptor(&empty, &empty).err().unwrap().to_string();
        assert!(err.contains("no certificate in it"), "{err}");
    }
}
