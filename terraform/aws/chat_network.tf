# The chat review Lambda answers IVS Chat within 200 ms with one Redis round trip
# (docs/chat.md), so its Redis sits next to it in this region, in a private network;
# the NAT gateway is its way out to Google Pub/Sub.
locals {
  azs = slice(data.aws_availability_zones.available.names, 0, 2)
}

# Two named zones, so the subnets never move when AWS adds a zone to the region.
data "aws_availability_zones" "available" {
  state = "available"
  filter {
    name   = "zone-name"
    values = ["${var.region}a", "${var.region}b"]
  }
}

resource "aws_vpc" "chat" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "liveclips-chat" }
}

# No rules: nothing may use the default security group.
resource "aws_default_security_group" "chat" {
  vpc_id = aws_vpc.chat.id
}

resource "aws_flow_log" "chat" {
  vpc_id               = aws_vpc.chat.id
  traffic_type         = "REJECT"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow.arn
  iam_role_arn         = aws_iam_role.flow_logs.arn
}

resource "aws_cloudwatch_log_group" "flow" {
  #checkov:skip=CKV_AWS_338:Rejected-traffic logs are for debugging security groups; a year of them would cost more than they tell.
  name              = "/liveclips/${var.stage}/vpc-flow"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_iam_role" "flow_logs" {
  name = "liveclips-${var.stage}-flow-logs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
    }]
  })
}

resource "aws_iam_role_policy" "flow_logs" {
  name = "write"
  role = aws_iam_role.flow_logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = "${aws_cloudwatch_log_group.flow.arn}:*"
    }]
  })
}

resource "aws_subnet" "private" {
  count             = length(local.azs)
  vpc_id            = aws_vpc.chat.id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(aws_vpc.chat.cidr_block, 8, count.index)
  tags              = { Name = "liveclips-chat-private-${count.index}" }
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.chat.id
  availability_zone = local.azs[0]
  cidr_block        = cidrsubnet(aws_vpc.chat.cidr_block, 8, 100)
  tags              = { Name = "liveclips-chat-public" }
}

resource "aws_internet_gateway" "chat" {
  vpc_id = aws_vpc.chat.id
}

resource "aws_eip" "nat" {
  domain     = "vpc"
  depends_on = [aws_internet_gateway.chat]
}

# One NAT gateway: if its zone fails, reviews still answer (Redis is inside the VPC) but
# allowed messages miss the AI moderation until it is back; a second gateway would cost
# more all year than that risk.
resource "aws_nat_gateway" "chat" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.chat.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.chat.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.chat.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.chat.id
  }
}

resource "aws_route_table_association" "private" {
  count          = length(aws_subnet.private)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

resource "aws_security_group" "chat_review" {
  #checkov:skip=CKV2_AWS_5:Attached by serverless.yml (chatReview vpc.securityGroupIds, read from SSM), outside this Terraform.
  name        = "liveclips-${var.stage}-chat-review"
  description = "chatReview Lambda: HTTPS out (Pub/Sub, Google STS), Redis in the VPC"
  vpc_id      = aws_vpc.chat.id
}

resource "aws_security_group" "chat_redis" {
  name        = "liveclips-${var.stage}-chat-redis"
  description = "Chat Redis: reachable only from the chatReview Lambda"
  vpc_id      = aws_vpc.chat.id
}

resource "aws_vpc_security_group_egress_rule" "review_https" {
  security_group_id = aws_security_group.chat_review.id
  description       = "Google Pub/Sub and STS"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "review_redis" {
  security_group_id            = aws_security_group.chat_review.id
  description                  = "Chat Redis"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.chat_redis.id
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_review" {
  security_group_id            = aws_security_group.chat_redis.id
  description                  = "chatReview Lambda"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.chat_review.id
}

resource "aws_elasticache_subnet_group" "chat" {
  name       = "liveclips-${var.stage}-chat"
  subnet_ids = aws_subnet.private[*].id
}

resource "random_password" "chat_redis" {
  length  = 64
  special = false # ElastiCache AUTH tokens allow only some symbols; length carries the strength
}

# Rate counters, duplicate checks and room rules (liveclips/adapters/chat_limits.py): small, hot,
# and rebuilt by the traffic itself, so two small nodes with failover are enough.
resource "aws_elasticache_replication_group" "chat" {
  replication_group_id       = "liveclips-${var.stage}-chat"
  description                = "IVS Chat review: rate limits and room rules"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = "cache.t4g.micro"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  multi_az_enabled           = true
  port                       = 6379
  subnet_group_name          = aws_elasticache_subnet_group.chat.name
  security_group_ids         = [aws_security_group.chat_redis.id]
  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.main.arn
  transit_encryption_enabled = true
  auth_token                 = random_password.chat_redis.result
  snapshot_retention_limit   = 1
  auto_minor_version_upgrade = true
}

resource "aws_secretsmanager_secret" "chat_redis_url" {
  #checkov:skip=CKV2_AWS_57:Rotating means rotating the ElastiCache AUTH token in step (set, then redeploy chatReview); it is a documented manual step in docs/deploy.md, not a rotation Lambda.
  name       = "liveclips/${var.stage}/chat-review/redis-url"
  kms_key_id = aws_kms_key.main.arn
}

resource "aws_secretsmanager_secret_version" "chat_redis_url" {
  secret_id     = aws_secretsmanager_secret.chat_redis_url.id
  secret_string = "rediss://:${random_password.chat_redis.result}@${aws_elasticache_replication_group.chat.primary_endpoint_address}:6379/0"
}
