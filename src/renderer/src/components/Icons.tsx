/** Small stroke icons; always decorative (aria-hidden): the control around them carries the name. */
type IconProps = { size?: number }

function Svg({ size = 14, children }: IconProps & { children: React.ReactNode }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  )
}

export const PlusIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 3v10M3 8h10" />
  </Svg>
)

export const EditIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M10.5 2.5l3 3L6 13H3v-3z" />
  </Svg>
)

export const TestIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M9 1.5L3.5 9H8l-1 5.5L12.5 7H8z" />
  </Svg>
)

export const TrashIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4" />
  </Svg>
)

export const LockIcon = (p: IconProps) => (
  <Svg {...p}>
    <rect x="3" y="7" width="10" height="7" rx="1" />
    <path d="M5.5 7V5a2.5 2.5 0 015 0v2" />
  </Svg>
)

export const RefreshIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M13 3v3.5H9.5" />
    <path d="M12.6 6.5A5 5 0 103 9" />
  </Svg>
)

export const CloseIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4 4l8 8M12 4l-8 8" />
  </Svg>
)

export const SearchIcon = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="7" cy="7" r="4.5" />
    <path d="M10.5 10.5L14 14" />
  </Svg>
)

export const WarningIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 1.8L15 14H1z" />
    <path d="M8 6.5v3.5M8 12v.01" />
  </Svg>
)

export const SortIcon = ({ direction }: { direction: 'asc' | 'desc' | null }) => (
  <Svg size={10}>
    {direction === 'asc' ? <path d="M4 10l4-4 4 4" /> : direction === 'desc' ? <path d="M4 6l4 4 4-4" /> : <path d="M5 6.5l3-3 3 3M5 9.5l3 3 3-3" />}
  </Svg>
)
