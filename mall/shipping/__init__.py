"""Shipping: each post's methods (letter, registered letter, parcel, EMS), their rates by
destination zone and weight, and the quotes checkout takes from them."""
