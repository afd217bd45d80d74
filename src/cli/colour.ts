/**
 * Colour for the CLI's drawings, decided once (config.cli.color: a terminal and no NO_COLOR).
 * Plain SGR codes rather than node:util's styleText: from Node 22.13 styleText checks the
 * stream itself, so the same call colours on Node 20 and not on 22 when output is piped; here
 * the caller's decision is the only one, and a test can ask for colour explicitly.
 */

export type Style = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray' | 'bold' | 'dim';

/** Paints `text` in `style`, or returns it unchanged when colour is off. */
export type Paint = (style: Style, text: string) => string;

const SGR: Record<Style, [open: number, close: number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  bold: [1, 22],
  dim: [2, 22],
};

export function painter(enabled: boolean): Paint {
  if (!enabled) return (_style, text) => text;
  return (style, text) => `\u001b[${SGR[style][0]}m${text}\u001b[${SGR[style][1]}m`;
}

