"""The mall operator's side (the UPU side) at `stamps.<domain>/operator`: staff accounts and
sign-in (`auth`), and the payment desk for orders paid by bank transfer or at a post office
counter (`services`, `views`)."""
