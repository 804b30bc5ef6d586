"""What every micromentor service needs: event contracts and platform pieces."""
