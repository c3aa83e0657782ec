//! JSON-RPC over standard input and output, with `Content-Length` framing.
//!
//! lsp-server's own stdio transport ends its reader thread at the first message that
//! is not valid JSON, which leaves the server deaf. This one reads each frame by its
//! length, so a malformed body costs only that message: it is reported to the main
//! loop (which answers a request it can identify with an error) and reading goes on.
//! A frame without a usable `Content-Length` is skipped up to the next header.

use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};

use lsp_server::{Message, RequestId};

/// What the reader hands the main loop.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A frame whose body is not a JSON-RPC message; `id` when it names a request.
    Malformed {
        id: Option<RequestId>,
        error: String,
    },
    /// Standard input ended (or failed): the client is gone.
    Closed,
}

/// Starts the reader and writer threads on standard input and output. The writer
/// ends once every sender of the returned channel is dropped; join it to make sure
/// the last messages went out.
pub fn stdio() -> (Receiver<Incoming>, Sender<Message>, JoinHandle<()>) {
    let (incoming_sender, incoming) = mpsc::channel();
    let (outgoing, outgoing_receiver) = mpsc::channel::<Message>();
    thread::Builder::new()
        .name("lsp-reader".to_string())
        .spawn(move || {
            let stdin = io::stdin();
            read_messages(&mut stdin.lock(), &incoming_sender);
        })
        .expect("cannot start the reader thread");
    let writer = thread::Builder::new()
        .name("lsp-writer".to_string())
        .spawn(move || {
            let stdout = io::stdout();
            let mut stdout = stdout.lock();
            for message in outgoing_receiver {
                if let Err(error) = message.write(&mut stdout).and_then(|()| stdout.flush()) {
                    super::log(&format!("cannot write to the client: {error}"));
                    return;
                }
            }
        })
        .expect("cannot start the writer thread");
    (incoming, outgoing, writer)
}

/// Reads frames until the input ends, the main loop is gone, or `exit` arrives.
pub fn read_messages(input: &mut impl BufRead, incoming: &Sender<Incoming>) {
    loop {
        let event = match read_frame(input) {
            Ok(Frame::Body(body)) => parse(&body),
            Ok(Frame::Skipped(reason)) => {
                super::log(&format!("skipped a malformed frame: {reason}"));
                continue;
            }
            Ok(Frame::End) => Incoming::Closed,
            Err(error) => {
                super::log(&format!("cannot read from the client: {error}"));
                Incoming::Closed
            }
        };
        let stop = match &event {
            Incoming::Closed => true,
            Incoming::Message(Message::Notification(notification)) => notification.method == "exit",
            _ => false,
        };
        if incoming.send(event).is_err() || stop {
            return;
        }
    }
}

/// No source file sent by an editor comes near this; a larger length is a broken
/// header, not a message to allocate memory for.
const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;

enum Frame {
    Body(Vec<u8>),
    /// Headers without a usable length: the frame cannot be read.
    Skipped(String),
    End,
}

/// One frame: header lines up to an empty line, then `Content-Length` bytes. The
/// length header is found anywhere in a line, so that after a frame that was not
/// framed properly the next real header is still recognised.
fn read_frame(input: &mut impl BufRead) -> io::Result<Frame> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    let mut saw_header = false;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(Frame::End);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some(value) = header_value(text, "content-length:") {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("bad Content-Length `{}`", value.trim())),
            );
        }
    }
    match length {
        Some(Ok(length)) if length > MAX_BODY_BYTES => {
            io::copy(&mut input.take(length as u64), &mut io::sink())?;
            Ok(Frame::Skipped(format!(
                "a message of {length} bytes is over the limit of {MAX_BODY_BYTES}"
            )))
        }
        Some(Ok(length)) => {
            let mut body = vec![0; length];
            match input.read_exact(&mut body) {
                Ok(()) => Ok(Frame::Body(body)),
                Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => Ok(Frame::End),
                Err(error) => Err(error),
            }
        }
        Some(Err(reason)) => Ok(Frame::Skipped(reason)),
        None => Ok(Frame::Skipped("no Content-Length header".to_string())),
    }
}

/// The value after `name` (lower case, with its colon) anywhere in a header line.
fn header_value<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let at = line.to_ascii_lowercase().find(name)?;
    line.get(at + name.len()..)
}

fn parse(body: &[u8]) -> Incoming {
    match serde_json::from_slice::<Message>(body) {
        Ok(message) => Incoming::Message(message),
        Err(error) => {
            let id = serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|value| value.get("id").cloned())
                .and_then(|id| serde_json::from_value::<RequestId>(id).ok());
            let error = format!(
                "not a JSON-RPC message ({error}): {}",
                String::from_utf8_lossy(&body[..body.len().min(200)])
            );
            Incoming::Malformed { id, error }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn read_all(input: &str) -> Vec<Incoming> {
        let (sender, receiver) = mpsc::channel();
        read_messages(&mut io::Cursor::new(input.as_bytes().to_vec()), &sender);
        drop(sender);
        receiver.into_iter().collect()
    }

    #[test]
    fn malformed_frames_are_reported_and_reading_goes_on() {
        let input = [
            frame("{not json"),
            "garbage without a length\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":42}"#),
            frame(r#"{"jsonrpc":"2.0","id":8,"method":"shutdown"}"#),
        ]
        .concat();
        let events = read_all(&input);
        assert!(
            matches!(&events[0], Incoming::Malformed { id: None, .. }),
            "{events:?}"
        );
        assert!(
            matches!(&events[1], Incoming::Malformed { id: Some(id), .. } if *id == RequestId::from(7)),
            "{events:?}"
        );
        assert!(
            matches!(&events[2], Incoming::Message(Message::Request(request)) if request.method == "shutdown"),
            "{events:?}"
        );
        assert!(matches!(events[3], Incoming::Closed), "{events:?}");
        assert_eq!(events.len(), 4);
    }

    #[test]
    fn an_absurd_length_is_skipped_without_allocating_it() {
        let events = read_all("Content-Length: 999999999999\r\n\r\n{}");
        assert!(matches!(&events[..], [Incoming::Closed]), "{events:?}");
    }

    #[test]
    fn a_header_glued_to_a_stray_body_is_still_found() {
        let input = format!(
            "Content-Type: x\r\n\r\n{{}}{}",
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#)
        );
        let events = read_all(&input);
        assert!(
            matches!(&events[..], [Incoming::Message(Message::Notification(n))] if n.method == "exit"),
            "{events:?}"
        );
    }
}
