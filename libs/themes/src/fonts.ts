// The font families a theme may name: the ones the slides service ships and
// maps to font files, so a deck and its frames draw the same letters on every
// machine. A character a family cannot draw falls back to the shipped Noto
// family for its writing system (services/slides), whatever the theme says.
export const SHIPPED_FONTS = ["DejaVu Sans", "Noto Sans", "Noto Serif"] as const;

export type ShippedFont = (typeof SHIPPED_FONTS)[number];

export const isShippedFont = (family: string): family is ShippedFont => (SHIPPED_FONTS as readonly string[]).includes(family);
