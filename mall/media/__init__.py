"""Pictures the posts upload (issue images, logos): checked, cleaned, resized and stored."""
