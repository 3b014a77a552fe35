# The client host's application: it talks to the server's echo service
# through the ssh tunnel on 127.0.0.1:<port>, a line every half second,
# and says when the tunnel is gone ("tunnel lost: ...") and exits 1.
import socket
import sys
import time

c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
n = 0
try:
    while True:
        n += 1
        c.sendall(b"ping %d\n" % n)
        reply = c.recv(4096)
        if not reply:
            raise ConnectionError("EOF")
        print("got", reply.decode().strip(), flush=True)
        time.sleep(0.5)
except OSError as e:
    print("tunnel lost:", e, flush=True)
    sys.exit(1)
