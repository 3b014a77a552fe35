# A server for the program-keys test: it says it serves without flushing
# (only a terminal shows that at once), notices its client's FIN, writes
# so into a log file in its host's scratch folder, says "bye", and exits 3
# a second later (given "stay", it stays instead).
import os
import socket
import sys
import time

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", int(sys.argv[1])))
s.listen()
print("serving tty=%s uid=%d" % (sys.stdout.isatty(), os.getuid()))
c, _ = s.accept()
while c.recv(100):
    pass
with open(os.path.join(os.environ["UNPLUG_SERVER_DIR"], "app.log"), "a") as log:
    log.write("client gone\n")
print("bye")
time.sleep(30 if sys.argv[2:] == ["stay"] else 1)
sys.exit(3)
