# Rendered by the deploy job.
spring.datasource.url=jdbc:postgresql://${DB_HOST}:5432/orders
spring.datasource.username=${DB_USER}
spring.datasource.password=${DB_PASSWORD}
spring.rabbitmq.password={rabbit_password}
