package dev.cvkit.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A minimal RTSP 1.0 server for tests, on 127.0.0.1: OPTIONS, DESCRIBE (an SDP for Motion
 * JPEG, RTP payload type 26), SETUP of RTP interleaved on the TCP connection (a request for
 * any other transport gets 461), PLAY (every packet at once, then the connection closes: the end
 * of the stream) and TEARDOWN. The RTP packets are FFmpeg's own: the frames are encoded by
 * javacv's recorder in the "rtp" format (Motion JPEG, RFC 2435) to a UDP socket of this server.
 * Built for tests: it needs no binary beyond Java and the project's javacv.
 */
public final class RtspTestServer implements AutoCloseable {
    private final ServerSocket server;
    private final List<byte[]> packets;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final int stallAfter;
    private final Thread acceptor;

    /**
     * Serves {@code frames} (BGR, sides multiples of 8) at {@code fps} on every accepted
     * connection; with {@code stallAfter} ≥ 0, sends only that many frames and then keeps the
     * connection open in silence (a server that hangs).
     */
    public RtspTestServer(List<Mat> frames, double fps, int stallAfter) throws IOException {
        packets = encode(frames, fps);
        this.stallAfter = stallAfter;
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "rtsp-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code rtsp://127.0.0.1:PORT/path}. */
    public String url(String path) {
        return "rtsp://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** The RTP packets served, in order. */
    public int packetCount() {
        return packets.size();
    }

    /** Every request line and header block received so far. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private static List<byte[]> encode(List<Mat> frames, double fps) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udp.setReceiveBufferSize(1 << 22);
            udp.setSoTimeout(300);
            Mat first = frames.get(0);
            FFmpegFrameRecorder rec = new FFmpegFrameRecorder("rtp://127.0.0.1:" + udp.getLocalPort() + "?pkt_size=1200", first.cols(), first.rows());
            avutil.av_log_set_level(avutil.AV_LOG_QUIET); // after the recorder's setup: no FFmpeg chatter in the test log
            rec.setFormat("rtp");
            rec.setVideoCodec(avcodec.AV_CODEC_ID_MJPEG);
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUVJ420P);
            rec.setVideoQuality(2);
            rec.setFrameRate(fps);
            rec.setVideoOption("huffman", "default");
            OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[65536];
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        udp.receive(p);
                    } catch (IOException e) {
                        return;
                    }
                    byte[] b = java.util.Arrays.copyOf(p.getData(), p.getLength());
                    synchronized (out) {
                        out.add(b);
                    }
                }
            });
            reader.start();
            try {
                rec.start();
                for (Mat m : frames) {
                    rec.record(conv.convert(m));
                }
                rec.stop();
                rec.release();
            } catch (FFmpegFrameRecorder.Exception e) {
                throw new IOException(e);
            }
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return out;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "rtsp-test-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            String req;
            while ((req = readRequest(in)) != null) {
                requests.add(req);
                String method = req.substring(0, req.indexOf(' '));
                String cseq = header(req, "CSeq");
                StringBuilder resp = new StringBuilder("RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\n");
                byte[] body = new byte[0];
                switch (method) {
                    case "OPTIONS" -> resp.append("Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n");
                    case "DESCRIBE" -> {
                        String url = req.substring(req.indexOf(' ') + 1, req.indexOf(" RTSP/"));
                        body = ("v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=cvkit test\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
                                + "m=video 0 RTP/AVP 26\r\na=rtpmap:26 JPEG/90000\r\na=control:trackID=0\r\n").getBytes(StandardCharsets.US_ASCII);
                        resp.append("Content-Base: ").append(url).append("/\r\nContent-Type: application/sdp\r\nContent-Length: ")
                                .append(body.length).append("\r\n");
                    }
                    case "SETUP" -> {
                        String transport = header(req, "Transport");
                        if (transport == null || !transport.startsWith("RTP/AVP/TCP")) {
                            resp = new StringBuilder("RTSP/1.0 461 Unsupported Transport\r\nCSeq: " + cseq + "\r\n");
                        } else {
                            resp.append("Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nSession: 12345678\r\n");
                        }
                    }
                    case "PLAY" -> resp.append("Session: 12345678\r\n");
                    case "TEARDOWN" -> resp.append("Session: 12345678\r\n");
                    default -> resp = new StringBuilder("RTSP/1.0 501 Not Implemented\r\nCSeq: " + cseq + "\r\n");
                }
                resp.append("\r\n");
                out.write(resp.toString().getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                if (method.equals("PLAY")) {
                    int frames = 0;
                    for (byte[] p : packets) {
                        if (frames == stallAfter) {
                            break;
                        }
                        out.write(new byte[] {'$', 0, (byte) (p.length >> 8), (byte) p.length});
                        out.write(p);
                        if ((p[1] & 0x80) != 0) { // RTP marker: the last packet of a frame
                            frames++;
                        }
                    }
                    out.flush();
                    if (stallAfter >= 0) {
                        in.transferTo(OutputStream.nullOutputStream()); // silent until the client leaves
                    }
                    return; // the end of the stream
                }
                if (method.equals("TEARDOWN")) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            byte[] a = b.toByteArray();
            int n = a.length;
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                String req = b.toString(StandardCharsets.US_ASCII);
                String len = header(req, "Content-Length");
                if (len != null) {
                    in.readNBytes(Integer.parseInt(len.trim()));
                }
                return req;
            }
        }
        return null;
    }

    private static String header(String req, String name) {
        for (String line : req.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
