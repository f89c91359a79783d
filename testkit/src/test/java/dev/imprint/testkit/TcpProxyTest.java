package dev.imprint.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy in front of a loopback echo server: each option, and its absence. */
class TcpProxyTest {
  private ServerSocket echo;

  @BeforeEach
  void startEcho() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (true) {
        try {
          Socket s = echo.accept();
          Thread c = new Thread(() -> {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
              in.transferTo(out);
            } catch (IOException ignored) {
              // the client went away
            }
          });
          c.setDaemon(true);
          c.start();
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
  }

  @AfterEach
  void stopEcho() throws IOException {
    echo.close();
  }

  private TcpProxy.Builder proxy() {
    return TcpProxy.to("127.0.0.1", echo.getLocalPort());
  }

  private static Socket connect(TcpProxy p) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), p.port());
    s.setSoTimeout(10_000);
    return s;
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
  }

  @Test
  void withoutOptionsThenEveryBytePassesBothWays() throws IOException {
    try (TcpProxy p = proxy().start(); Socket s = connect(p)) {
      assertThat(roundTrip(s, "hello")).isEqualTo("hello");
      assertThat(p.route("jdbc:postgresql://h:" + echo.getLocalPort() + "/db"))
          .isEqualTo("jdbc:postgresql://h:" + p.port() + "/db");
    }
  }

  @Test
  void delayedThenChunksStillArriveWholeAndInOrder() throws IOException {
    try (TcpProxy p = proxy().delay(Duration.ofMillis(5)).start(); Socket s = connect(p)) {
      StringBuilder sent = new StringBuilder();
      for (int i = 0; i < 20; i++) {
        s.getOutputStream().write(("chunk" + i + ";").getBytes(StandardCharsets.US_ASCII));
        sent.append("chunk").append(i).append(';');
      }
      assertThat(new String(s.getInputStream().readNBytes(sent.length()),
          StandardCharsets.US_ASCII)).isEqualTo(sent.toString());
    }
  }

  @Test
  void frozenThenNothingFlowsUntilThawed() throws IOException {
    try (TcpProxy p = proxy().start(); Socket s = connect(p)) {
      assertThat(roundTrip(s, "a")).isEqualTo("a");
      p.freeze();
      assertThat(p.isFrozen()).isTrue();
      s.getOutputStream().write('b');
      s.setSoTimeout(300);
      try {
        s.getInputStream().read();
        throw new AssertionError("a byte passed a frozen link");
      } catch (SocketTimeoutException expected) {
        // nothing came back, and the connection is still open
      }
      p.thaw();
      s.setSoTimeout(10_000);
      assertThat(s.getInputStream().read()).isEqualTo('b');
    }
  }

  @Test
  void refusingThenNewConnectionsCloseAndOldOnesGoOn() throws IOException {
    try (TcpProxy p = proxy().start(); Socket old = connect(p)) {
      assertThat(roundTrip(old, "x")).isEqualTo("x");
      p.refuseNewConnections(true);
      try (Socket refused = connect(p)) {
        assertThat(refused.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(roundTrip(old, "y")).isEqualTo("y");
      p.refuseNewConnections(false);
      try (Socket again = connect(p)) {
        assertThat(roundTrip(again, "z")).isEqualTo("z");
      }
    }
  }

  @Test
  void inspectorCutsThenTheChunkIsDroppedAndTheConnectionClosed() throws IOException {
    TcpProxy.Inspector cutOnX = (d, buf, n) -> d == TcpProxy.Direction.TO_TARGET
        && buf[0] == 'X' ? TcpProxy.Verdict.CUT : TcpProxy.Verdict.PASS;
    try (TcpProxy p = proxy().inspect(() -> cutOnX).start(); Socket s = connect(p)) {
      assertThat(roundTrip(s, "ok")).isEqualTo("ok");
      s.getOutputStream().write('X');
      assertThat(s.getInputStream().read()).as("dropped, then closed").isEqualTo(-1);
    }
  }

  @Test
  void inspectorPassesThenCutsThenTheTargetGetsItAndTheAnswerIsLost() throws IOException {
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    TcpProxy.Inspector passThenCut = (d, buf, n) -> {
      seen.add(d + ":" + new String(buf, 0, n, StandardCharsets.US_ASCII));
      return d == TcpProxy.Direction.TO_TARGET && buf[0] == 'C'
          ? TcpProxy.Verdict.PASS_THEN_CUT : TcpProxy.Verdict.PASS;
    };
    try (TcpProxy p = proxy().inspect(() -> passThenCut).start(); Socket s = connect(p)) {
      s.getOutputStream().write('C');
      assertThat(s.getInputStream().read()).as("the echo never comes back").isEqualTo(-1);
      assertThat(seen).contains("TO_TARGET:C");
    }
  }
}
