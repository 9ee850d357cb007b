"""Reading back the QR code a page drew: its SVG paths rasterised, then decoded by zxing-cpp."""

import re

#: Pixels drawn per QR module: plenty for the decoder.
PIXELS_PER_MODULE = 4

_VIEWBOX = re.compile(r'viewBox="0 0 (\d+) (\d+)"')
_SCALE = re.compile(r"scale\((\d+(?:\.\d+)?)\)")
_DARK_PATH = re.compile(r'<path class="qrline" stroke="#000" d="([^"]+)"')
_COMMAND = re.compile(r"([MmHh])\s*(-?\d+(?:\.\d+)?)(?:\s+(-?\d+(?:\.\d+)?))?")


def modules(svg: str) -> list[list[bool]]:
    """Return the QR code's grid (True: dark) from segno's inline SVG."""
    width, _height = map(int, _VIEWBOX.search(svg).groups())
    size = int(width / float(_SCALE.search(svg).group(1)))
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for command, first, second in _COMMAND.findall(_DARK_PATH.search(svg).group(1)):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:  # a dark run along the row, from x
            length = float(first) if command == "h" else float(first) - x
            for column in range(int(x), int(x + length)):
                grid[int(y)][column] = True
            x += length
    return grid


def decode(svg: str) -> str:
    """Return the text the QR code in ``svg`` holds (fails if it cannot be read)."""
    import zxingcpp

    grid = modules(svg)
    side = len(grid) * PIXELS_PER_MODULE
    pixels = bytearray()
    for row in grid:
        line = bytearray()
        for dark in row:
            line += bytes([0 if dark else 255]) * PIXELS_PER_MODULE
        pixels += bytes(line) * PIXELS_PER_MODULE
    image = memoryview(bytes(pixels)).cast("B", shape=(side, side))
    [found] = zxingcpp.read_barcodes(image)
    return found.text
