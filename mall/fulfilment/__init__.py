"""What a post does once an order is paid: pack it, ship it with a UPU S10 tracking number,
and declare it to customs when it leaves the country."""
