server {
    listen 8080;
    location / {
        proxy_pass ${GATEWAY_URL};
        proxy_hide_header Access-Control-Allow-Origin;
        add_header Access-Control-Allow-Origin "${CORS_ALLOWED_ORIGINS}" always;
        add_header Access-Control-Allow-Methods "GET, POST, OPTIONS" always;
    }
}
