#!/usr/bin/python3
"""A synthetic IP camera for tests and the simulator: an RTSP server (GStreamer's, Debian's
gir1.2-gst-rtsp-server-1.0 through python3-gi) serving, at each mount, a moving test pattern with the
wall-clock time burnt in, encoded as a camera would (H.264, a key frame every second).

    rtsp-camera.py --port 8554 --mount /window-1 --mount /window-2 [--user u --password p]
        [--width 320 --height 240 --fps 10 --bitrate 256 --pattern ball]

--bitrate is the encoder's target in kbit/s; --pattern (a videotestsrc pattern) is the same at every
mount, else ball, smpte and snow in turn.

Prints "ready <port>" once it listens; stops on SIGTERM."""
import argparse
import signal
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument('--port', type=int, required=True)
parser.add_argument('--mount', action='append', required=True)
parser.add_argument('--user')
parser.add_argument('--password')
parser.add_argument('--fps', type=int, default=10)
parser.add_argument('--width', type=int, default=320)
parser.add_argument('--height', type=int, default=240)
parser.add_argument('--bitrate', type=int, default=256)
parser.add_argument('--pattern')
args = parser.parse_args()

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service(str(args.port))

if args.user:
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string('media.factory.role', 'camera-user')
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password or ''), token)
    server.set_auth(auth)

for i, mount in enumerate(args.mount):
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        f'( videotestsrc is-live=true pattern={args.pattern or ["ball", "smpte", "snow"][i % 3]} '
        f'! video/x-raw,width={args.width},height={args.height},framerate={args.fps}/1 '
        f'! clockoverlay time-format="%Y-%m-%d %H:%M:%S" halignment=left valignment=top '
        f'! textoverlay text="{mount}" halignment=right valignment=bottom '
        f'! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={args.fps} bitrate={args.bitrate} '
        f'! rtph264pay name=pay0 pt=96 config-interval=1 )'
    )
    factory.set_shared(True)
    if args.user:
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role('camera-user', 'media.factory.access', True)
        permissions.add_permission_for_role('camera-user', 'media.factory.construct', True)
        factory.set_permissions(permissions)
    server.get_mount_points().add_factory(mount, factory)

if server.attach(None) == 0:
    print(f'cannot listen on 127.0.0.1:{args.port}', file=sys.stderr)
    sys.exit(1)
loop = GLib.MainLoop()
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
print(f'ready {args.port}', flush=True)
loop.run()
