package io.recsv.oozie;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A mail server for one test: it speaks enough SMTP (RFC 5321's HELO/EHLO, MAIL, RCPT, DATA, QUIT) for JavaMail to
 * deliver to it, and keeps each message: its recipients and its text. There is no mail server on the machine
 * that builds recsv, and what is checked is Oozie's attempt (who it writes to, and what), not delivery.
 */
final class SmtpCatcher implements AutoCloseable {

  /** A message as delivered: RCPT TO addresses, and the DATA (headers and body). */
  record Mail(List<String> recipients, String text) {}

  private final ServerSocket server;
  private final List<Mail> mails = new CopyOnWriteArrayList<>();
  private final Thread thread;

  SmtpCatcher() throws IOException {
    server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    thread = new Thread(this::serve, "smtp-catcher");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return server.getLocalPort();
  }

  List<Mail> mails() {
    return List.copyOf(mails);
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        converse(socket);
      } catch (IOException e) {
        // closed, or a client that hung up: take the next
      }
    }
  }

  private void converse(Socket socket) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
    reply(out, "220 smtp-catcher");
    List<String> recipients = new CopyOnWriteArrayList<>();
    String line;
    while ((line = in.readLine()) != null) {
      String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
      switch (command) {
        case "RCPT" -> {
          recipients.add(line.replaceAll("(?i)^RCPT TO:\\s*<?([^>]*)>?.*$", "$1"));
          reply(out, "250 OK");
        }
        case "DATA" -> {
          reply(out, "354 end with <CRLF>.<CRLF>");
          StringBuilder text = new StringBuilder();
          while ((line = in.readLine()) != null && !line.equals(".")) {
            text.append(line.startsWith("..") ? line.substring(1) : line).append('\n');
          }
          mails.add(new Mail(List.copyOf(recipients), text.toString()));
          recipients.clear();
          reply(out, "250 OK");
        }
        case "QUIT" -> {
          reply(out, "221 bye");
          return;
        }
        default -> reply(out, "250 OK");  // HELO, EHLO, MAIL, RSET, NOOP
      }
    }
  }

  private static void reply(PrintWriter out, String text) {
    out.print(text + "\r\n");
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
