"""The bytes big-stream sends: 64 KB pieces, each a rotation of the same block, so a lost,
repeated or reordered piece shows in a hash."""
import hashlib

PIECE = 64 * 1024
_BLOCK = bytes(range(256)) * (PIECE // 256)


def chunks(megabytes):
    for index in range(megabytes * 1024 * 1024 // PIECE):
        shift = (index * 7) % 256
        yield _BLOCK[shift:] + _BLOCK[:shift]


def digest(megabytes):
    sha = hashlib.sha256()
    for chunk in chunks(megabytes):
        sha.update(chunk)
    return sha.hexdigest()
