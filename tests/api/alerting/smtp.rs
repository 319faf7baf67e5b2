//! A small SMTP server speaking real SMTP over TCP on loopback: EHLO, STARTTLS (rustls with a
//! self-signed certificate from rcgen), AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
//! Enough for lettre, and it records every message and the credentials used.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

#[derive(Clone, Default)]
pub struct Mailbox {
    pub messages: Arc<Mutex<Vec<String>>>,
    pub auth: Arc<Mutex<Vec<String>>>,
    /// Sessions that reached STARTTLS.
    pub tls_sessions: Arc<Mutex<usize>>,
}

/// A self-signed certificate for 127.0.0.1: (PEM for the client's `ca_file`, TLS acceptor).
pub fn tls() -> (String, TlsAcceptor) {
    let key = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let pem = key.cert.pem();
    let cert = CertificateDer::from(key.cert.der().to_vec());
    let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.signing_key.serialize_der()));
    let config =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], private)
            .unwrap();
    (pem, TlsAcceptor::from(Arc::new(config)))
}

/// Serves SMTP on `listener` until the test ends.
pub fn serve(listener: TcpListener, acceptor: TlsAcceptor, mailbox: Mailbox) {
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, mailbox) = (acceptor.clone(), mailbox.clone());
            tokio::spawn(async move {
                if let Ok(Some(tcp)) = session(tcp, false, &mailbox, true).await {
                    *mailbox.tls_sessions.lock().unwrap() += 1;
                    if let Ok(tls) = acceptor.accept(tcp).await {
                        let _ = session(tls, true, &mailbox, false).await;
                    }
                }
            });
        }
    });
}

/// One conversation; returns the stream when the client asks for STARTTLS.
async fn session<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    secure: bool,
    mailbox: &Mailbox,
    greet: bool,
) -> std::io::Result<Option<S>> {
    let mut io = BufReader::new(stream);
    if greet {
        io.get_mut()
            .write_all(b"220 127.0.0.1 ESMTP test\r\n")
            .await?;
    }
    let mut line = String::new();
    loop {
        line.clear();
        if io.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        let command = line.trim_end().to_string();
        let verb = command
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply: String = match verb.as_str() {
            "EHLO" | "HELO" => {
                let starttls = if secure { "" } else { "250-STARTTLS\r\n" };
                format!("250-127.0.0.1\r\n{starttls}250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n")
            }
            "STARTTLS" => {
                io.get_mut().write_all(b"220 ready\r\n").await?;
                return Ok(Some(io.into_inner()));
            }
            "AUTH" => {
                mailbox.auth.lock().unwrap().push(command.clone());
                "235 2.7.0 ok\r\n".into()
            }
            "MAIL" | "RCPT" | "RSET" | "NOOP" => "250 ok\r\n".into(),
            "DATA" => {
                io.get_mut().write_all(b"354 go on\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if io.read_line(&mut line).await? == 0 {
                        return Ok(None);
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(&line);
                }
                mailbox.messages.lock().unwrap().push(data);
                "250 queued\r\n".into()
            }
            "QUIT" => {
                io.get_mut().write_all(b"221 bye\r\n").await?;
                return Ok(None);
            }
            _ => "502 unknown\r\n".into(),
        };
        io.get_mut().write_all(reply.as_bytes()).await?;
    }
}
